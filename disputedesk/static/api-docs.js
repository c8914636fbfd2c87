// The API reference page: Swagger UI reading the document the app serves (no inline script).
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: root.dataset.documentUrl,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
});
