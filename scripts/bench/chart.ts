/** A log-log line chart as plain SVG: N on x, median seconds on y, one line per series. */
export interface Series {
    name: string;
    points: [number, number][];
    dashed?: boolean;
}

const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000"];

export function logLogChart(series: Series[], title: string): string {
    const [w, h, left, right, top, bottom] = [860, 520, 70, 230, 40, 50];
    const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
    const decades = (vals: number[]) => [Math.floor(Math.log10(Math.min(...vals))), Math.ceil(Math.log10(Math.max(...vals)))];
    const [x0, x1] = decades(all.map(([x]) => x));
    const [y0, y1] = decades(all.map(([, y]) => y));
    const px = (x: number) => left + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * (w - left - right);
    const py = (y: number) => h - bottom - ((Math.log10(y) - y0) / Math.max(1, y1 - y0)) * (h - top - bottom);
    const out: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
        `<rect width="${w}" height="${h}" fill="white"/>`,
        `<text x="${left}" y="22" font-size="15">${title}</text>`,
    ];
    for (let d = x0; d <= x1; d++) {
        const x = px(10 ** d);
        out.push(
            `<line x1="${x}" y1="${top}" x2="${x}" y2="${h - bottom}" stroke="#ddd"/>`,
            `<text x="${x}" y="${h - bottom + 18}" text-anchor="middle">${10 ** d}</text>`,
        );
    }
    for (let d = y0; d <= y1; d++) {
        const y = py(10 ** d);
        out.push(
            `<line x1="${left}" y1="${y}" x2="${w - right}" y2="${y}" stroke="#ddd"/>`,
            `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${10 ** d} s</text>`,
        );
    }
    out.push(`<text x="${(left + w - right) / 2}" y="${h - 12}" text-anchor="middle">N services (5 resources each)</text>`);
    series.forEach((s, i) => {
        const color = colors[i % colors.length];
        const pts = s.points.filter(([x, y]) => x > 0 && y > 0).sort(([a], [b]) => a - b);
        const d = pts.map(([x, y], j) => `${j ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
        out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
        for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
        const ly = top + 10 + i * 18;
        out.push(
            `<line x1="${w - right + 15}" y1="${ly}" x2="${w - right + 45}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
            `<text x="${w - right + 50}" y="${ly + 4}">${s.name}</text>`,
        );
    });
    out.push("</svg>");
    return out.join("\n") + "\n";
}
