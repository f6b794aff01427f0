// Swagger UI over this node's own contract. A file of its own: the page's CSP allows no inline script.
window.ui = SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  docExpansion: 'list',
  filter: true,
  displayRequestDuration: true,
  // No call to the public validator; the token stays in this page's memory, never in localStorage.
  validatorUrl: null,
  persistAuthorization: false
});
