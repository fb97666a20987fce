/* Draws the aged-balance chart from the JSON the page embeds (amounts arrive as strings). */
(function () {
  const colors = ["#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#c8553d", "#8d2a1d"];
  function draw(canvas) {
    const data = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
    if (!window.Chart || !data.labels.length) { return; }
    const locale = document.documentElement.lang || "fr";
    const money = new Intl.NumberFormat(locale, { style: "currency", currency: data.currency || "EUR", maximumFractionDigits: 0 });
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ data: data.values.map(Number), backgroundColor: colors, borderRadius: 4 }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => money.format(ctx.raw) } } },
        scales: { y: { ticks: { callback: (value) => money.format(value) } } },
      },
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-source]").forEach(draw);
  });
})();
