import { useEffect, useRef } from 'preact/hooks';

export interface BarSeries {
  /** The category names along the axis (units, or periods). */
  names: string[];
  values: (number | null)[];
  label: string;
  kind: 'bar' | 'line';
}

/**
 * A bar or line chart drawn by ECharts, imported piece by piece and only when a chart is
 * shown, so the first page loads without it. No animation: a chart looks the same each time.
 */
export function Chart({ series, title }: { series: BarSeries; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let dispose = () => {};
    void import('./echarts-setup').then((echarts) => {
      if (disposed || !box.current) return;
      const chart = echarts.init(box.current, undefined, { renderer: 'svg' });
      chart.setOption({
        animation: false,
        textStyle: { fontFamily: "'Noto Sans CJK SC', sans-serif" },
        grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: {
          type: 'category',
          data: series.names,
          axisLabel: { interval: 0, rotate: series.names.length > 6 ? 40 : 0 },
        },
        yAxis: { type: 'value', name: series.label },
        series: [{ type: series.kind, data: series.values, name: series.label }],
      });
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      dispose = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [series]);
  return <div class="chart" ref={box} role="img" aria-label={title} />;
}
