/**
 * The dashboard's two charts, drawn by chart.js (loaded with this page only). Each canvas is an
 * image to assistive technology, named by its caption; the same figures are in the table below
 * it, which is the text equivalent.
 */
import { useEffect, useRef } from "react";
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement,
  Tooltip, type ChartConfiguration,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement,
  Tooltip);

const BLUE = "#1f5fa8";
const ORANGE = "#b85c00";
const GREY = "#8a8f98";

export interface Series {
  label: string;
  values: number[];
  kind: "bar" | "line";
  /** Drawn against the right-hand axis (rupiah beside counts). */
  right?: boolean;
}

function ChartCanvas({ config, label, signature }: { config: ChartConfiguration; label: string; signature: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const latest = useRef(config);
  latest.current = config;
  useEffect(() => {
    // No canvas to draw on (jsdom in the unit tests): the table below says it all the same.
    if (!canvas.current || !canvas.current.getContext("2d")) return undefined;
    const chart = new Chart(canvas.current, latest.current);
    return () => chart.destroy();
  }, [signature]);
  return (
    <div className="dash-chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

export function SeriesChart({ labels, series, label, money, leftIsMoney = false }: {
  labels: string[];
  series: Series[];
  label: string;
  money: (value: number) => string;
  /** The left-hand axis counts rupiah, not applications. */
  leftIsMoney?: boolean;
}) {
  const colors = [BLUE, ORANGE, GREY];
  const config: ChartConfiguration = {
    type: "bar",
    data: {
      labels,
      datasets: series.map((s, index) => ({
        type: s.kind,
        label: s.label,
        data: s.values,
        backgroundColor: colors[index % colors.length],
        borderColor: colors[index % colors.length],
        yAxisID: s.right ? "right" : "left",
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        left: { type: "linear", position: "left", beginAtZero: true,
          ticks: leftIsMoney ? { precision: 0, callback: (v) => money(Number(v)) } : { precision: 0 } },
        ...(series.some((s) => s.right)
          ? { right: { type: "linear" as const, position: "right" as const, beginAtZero: true,
              grid: { drawOnChartArea: false },
              ticks: { precision: 0, callback: (v: string | number) => money(Number(v)) } } }
          : {}),
      },
    },
  };
  return <ChartCanvas config={config} label={label} signature={JSON.stringify([labels, series, label])} />;
}
