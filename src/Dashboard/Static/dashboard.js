// Draws every <canvas data-chart="{labels, series: [{label, values}]}"> as a line chart of percentages; tooltips show
// the exact value in Vietnamese format (94,12%). Chart.js is served from /static (no CDN: the dashboard works offline).
(function () {
  const format = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const colours = ['#1f6fb2', '#e07b24', '#1e7b45', '#b02a1e'];
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const data = JSON.parse(canvas.dataset.chart);
    new Chart(canvas, {
      type: 'line',
      data: {
        labels: data.labels,
        datasets: data.series.map((s, i) => ({ label: s.label, data: s.values, borderColor: colours[i], backgroundColor: colours[i], spanGaps: false, tension: 0.2 })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { tooltip: { callbacks: { label: c => `${c.dataset.label}: ${c.parsed.y === null ? '—' : format.format(c.parsed.y) + '%'}` } } },
        scales: { y: { ticks: { callback: v => format.format(v) + '%' } } },
      },
    });
  }
})();
