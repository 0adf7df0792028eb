/** A small chart.js bar chart (values in [-1, 1] for κ/α; null = undefined, drawn as a gap). */
import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface BarSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

export function BarChart({ labels, series, title }: { labels: readonly string[]; series: readonly BarSeries[]; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels: [...labels], datasets: series.map((s) => ({ label: s.label, data: [...s.values], backgroundColor: s.color })) },
      // No animation: screenshots and tests see the final chart.
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { suggestedMin: 0, suggestedMax: 1 } }, plugins: { legend: { position: 'bottom' } } },
    });
    return () => chart.destroy();
  }, [labels, series]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
    </figure>
  );
}
