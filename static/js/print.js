// The print sheet's "Print" button (an inline onclick would break the CSP).
document.addEventListener("click", function (evt) {
  if (evt.target.closest("[data-print]")) window.print();
});
