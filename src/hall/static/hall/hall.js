// The hall's only script (the Content-Security-Policy allows no inline code).
document.addEventListener("DOMContentLoaded", () => {
  // A captcha that cannot be read: a new one at a click.
  for (const image of document.querySelectorAll("img[data-refresh]")) {
    image.addEventListener("click", () => {
      image.src = image.src.split("?")[0] + "?" + Date.now();
    });
  }
  // The bank's payment page is reached by a form the hall fills: it is sent at once.
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    form.submit();
  }
});
