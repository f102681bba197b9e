import { useEffect, useRef } from "preact/hooks";

export interface ChartLine {
  label: string;
  color: string;
  values: (number | null)[];
}

interface ChartProps {
  /** Heading of the figure, and the start of its accessible description. */
  title: string;
  /** Unit shown on the y axis and in the description ("req/s", "ms"). */
  unit: string;
  /** Bucket starts, seconds since the epoch. */
  times: number[];
  lines: ChartLine[];
}

/**
 * A time-series line chart drawn by uPlot on a canvas. uPlot is loaded when the first chart
 * shows (its own chunk), so screens without charts don't pay for it. The canvas is described for
 * screen readers by the figure's label (each line's latest value); the legend is ours, in text.
 */
export function Chart({ title, unit, times, lines }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: { destroy(): void; setSize(size: { width: number; height: number }): void } | undefined;
    let observer: ResizeObserver | undefined;
    let cancelled = false;
    void Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")]).then(([{ default: UPlot }]) => {
      if (cancelled) return;
      const size = () => ({ width: Math.max(240, el.clientWidth), height: 180 });
      plot = new UPlot(
        {
          ...size(),
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true } },
          axes: [{}, { label: unit, size: 56 }],
          // A line with gaps (latency: no requests, no value) may have lone values: dots show them.
          series: [
            {},
            ...lines.map((l) => ({
              label: l.label,
              stroke: l.color,
              width: 2,
              points: { show: l.values.includes(null), size: 6, fill: l.color },
            })),
          ],
        },
        [times, ...lines.map((l) => l.values)],
        el,
      );
      observer = new ResizeObserver(() => plot?.setSize(size()));
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [times, lines, unit]);

  const latest = lines.map((l) => `${l.label} ${format(l.values.at(-1) ?? null)} ${unit}`).join(", ");
  return (
    <figure class="card chart">
      <figcaption>
        <strong>{title}</strong>
        <ul class="chart-legend">
          {lines.map((l) => (
            <li key={l.label}>
              <span class={`legend-swatch swatch-${l.color.slice(1)}`} aria-hidden="true" />
              {l.label}
            </li>
          ))}
        </ul>
      </figcaption>
      <div
        ref={box}
        class="chart-canvas"
        role="img"
        aria-label={times.length ? `${title}, latest: ${latest}` : `${title}: no requests in this period`}
      />
    </figure>
  );
}

function format(value: number | null): string {
  if (value === null) return "—";
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}
