#!/usr/bin/env bash
# Builds etcd (go.etcd.io/etcd/server/v3) and kube-apiserver, kube-controller-manager,
# kubectl (k8s.io/kubernetes) from Go modules. Usage: build.sh OUT_DIR
# Two separate wrapper modules (etcd/, kubernetes/) so their dependency graphs stay apart.
source "${TOOLCHAIN_WRAPPER:-$(dirname "${BASH_SOURCE[0]}")/../wrapper.sh}"
start_build "$@" -mod=readonly

ETCD_VERSION=v3.6.16
KUBE_VERSION=v1.35.4
KUBE_BUILD_DATE=2026-04-15T18:01:22Z   # module time of k8s.io/kubernetes@v1.35.4
KUBE_MAJOR=1
KUBE_MINOR=35

echo "==> building etcd ${ETCD_VERSION}" >&2
(
  cd "$here/etcd"
  go build -trimpath \
    -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${ETCD_VERSION}" \
    -o "$out_dir/etcd" go.etcd.io/etcd/server/v3
)

kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X ${pkg}.gitVersion=${KUBE_VERSION}"
  kube_ldflags+=" -X ${pkg}.gitMajor=${KUBE_MAJOR}"
  kube_ldflags+=" -X ${pkg}.gitMinor=${KUBE_MINOR}"
  kube_ldflags+=" -X ${pkg}.gitCommit="
  kube_ldflags+=" -X ${pkg}.gitTreeState=clean"
  kube_ldflags+=" -X ${pkg}.buildDate=${KUBE_BUILD_DATE}"
done

echo "==> building kube-apiserver, kube-controller-manager, kubectl ${KUBE_VERSION}" >&2
(
  cd "$here/kubernetes"
  go build -trimpath -ldflags "$kube_ldflags" -o "$out_dir/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl
)

for b in etcd kube-apiserver kube-controller-manager kubectl; do
  [[ -x "$out_dir/$b" ]] || { echo "missing $out_dir/$b" >&2; exit 1; }
done
echo "==> done: $out_dir" >&2
