// The hall's only script (the Content-Security-Policy allows no inline code).
document.addEventListener("DOMContentLoaded", () => {
  // A captcha that cannot be read: a new one at a click.
  for (const image of document.querySelectorAll("img[data-refresh]")) {
    image.addEventListener("click", () => {
      image.src = image.src.split("?")[0] + "?" + Date.now();
    });
  }
  // A table wider than the phone scrolls inside its card: a keyboard can reach and scroll it,
  // and a screen reader names it by its heading.
  const scrollable = () => {
    for (const box of document.querySelectorAll(".table-scroll")) {
      if (box.scrollWidth > box.clientWidth) {
        let heading = box.previousElementSibling;
        while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
        heading = heading || box.closest("section, main").querySelector("h1, h2");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (heading ? heading.textContent : document.title).trim());
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  scrollable();
  window.addEventListener("resize", scrollable);
  // The bank's payment page is reached by a form the hall fills: it is sent at once.
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    form.submit();
  }
});
