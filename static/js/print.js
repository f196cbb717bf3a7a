// A Print button that exists only where it works (issue #23): each <button data-print hidden>
// is shown and wired to the browser's print dialogue; without JavaScript it stays hidden and
// the page's plain "Download PDF" link remains.
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
  button.hidden = false;
});
