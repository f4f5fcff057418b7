/**
 * A dam's readings as a line chart (chart.js, loaded only when a chart is drawn), with the level
 * thresholds as flat lines. The table beside it carries the same figures for those who do not
 * see the chart; the canvas itself is described by its caption.
 */
import { useEffect, useRef, useState } from "react";
import type { Chart as ChartType } from "chart.js";
import { useI18n } from "../../i18n/I18n";
import type { Reading, ReadingColumn } from "./model";
import { useWord } from "./words";

/** "6 Nov" under the chart (the table says the whole date): a calendar day, no time zone moves it. */
export function shortDay(day: string, language: "id" | "en"): string {
  const when = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(when.getTime())) return day;
  return new Intl.DateTimeFormat(language === "en" ? "en-GB" : "id-ID", { day: "numeric", month: "short", timeZone: "UTC" }).format(when);
}

const BAND_COLOURS = { waspada: "#b07a00", siaga: "#c2410c", awas: "#a61b1b" } as const;

export function ReadingsChart({
  readings,
  column,
  thresholds,
}: {
  readings: Reading[];
  column: ReadingColumn;
  thresholds: { band: "waspada" | "siaga" | "awas"; level: number }[];
}) {
  const { t, language } = useI18n();
  const word = useWord();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let chart: ChartType | null = null;
    let live = true;
    void (async () => {
      try {
        const { Chart } = await import("./chartSetup");
        if (!live || !canvas.current) return;
        const labels = readings.map((r) => r.date);
        const lines = column === "level_m" ? thresholds : [];
        chart = new Chart(canvas.current, {
          type: "line",
          data: {
            labels,
            datasets: [
              {
                label: word("reading", column),
                data: readings.map((r) => r[column] ?? null),
                borderColor: "#0b4f8a",
                backgroundColor: "#0b4f8a",
                spanGaps: false,
                tension: 0.2,
              },
              ...lines.map((line) => ({
                label: `${word("band", line.band)} (${line.level})`,
                data: labels.map(() => line.level),
                borderColor: BAND_COLOURS[line.band],
                backgroundColor: BAND_COLOURS[line.band],
                borderDash: [6, 4],
                pointRadius: 0,
                borderWidth: 1.5,
              })),
            ],
          },
          options: {
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            scales: { x: { ticks: { callback: (_value, index) => shortDay(labels[index] ?? "", language) } } },
          },
        });
      } catch {
        if (live) setFailed(true);
      }
    })();
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [readings, column, thresholds, word, language]);

  if (failed) return <p className="meta">{t("dams.chart_failed")}</p>;
  return (
    <figure className="readings-chart">
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={t("dams.chart_label", { what: word("reading", column) })} />
      </div>
      <figcaption className="meta">{t("dams.chart_caption")}</figcaption>
    </figure>
  );
}
