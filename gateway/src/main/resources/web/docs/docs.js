// Swagger UI over this node's own contract. A file of its own: the page's CSP allows no inline script.
window.ui = SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  // Tags start closed: with every tag open, Swagger UI 5.35 stops rendering after the first two operations once
  // the contract passes about 135 of them (seen with 144); a tag opened by itself renders all of its own.
  docExpansion: 'none',
  filter: true,
  displayRequestDuration: true,
  // No call to the public validator; the token stays in this page's memory, never in localStorage.
  validatorUrl: null,
  persistAuthorization: false
});
