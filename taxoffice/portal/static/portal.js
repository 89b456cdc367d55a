// The portal's only script of its own: htmx requests carry the page's CSRF token, and elements marked
// data-confirm ask before a form is sent. Everything works without it, by plain form posts.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["x-csrftoken"] = token.content;
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
