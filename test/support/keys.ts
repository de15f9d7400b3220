/** A real PEM public key (EC P-256, generated for the tests; no private key kept). */
export const testPublicKey =
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPnceUbSydDsicEuGoDxfDt5V9424\nygcpF339Cx6CubuMkGBhebPcvf3gh8YG84WJ0jycv4FzTC4BMw0NDBnJ8A==\n-----END PUBLIC KEY-----\n";
