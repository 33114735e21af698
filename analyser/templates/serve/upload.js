{#- The upload form's script: the file chooser shows the chosen name, the box takes a dropped file, the button waits. ksb serve puts its sha256 in the form page's Content-Security-Policy, so the page runs this script and no other. -#}
(function () {
  var zone = document.getElementById("drop"), input = document.getElementById("file");
  var chosen = document.getElementById("chosen"), form = document.getElementById("upload");
  function show() { chosen.textContent = input.files.length ? "Chosen: " + input.files[0].name : ""; }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; show(); }
  });
  form.addEventListener("submit", function () {
    document.getElementById("go").disabled = true;
    document.getElementById("busy").hidden = false;
  });
})();
{#- nothing after the script, not even a newline: the hash covers exactly the text above -#}
