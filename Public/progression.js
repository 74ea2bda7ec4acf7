// livret — progressive enhancement of a print run's page: the bar follows the server's events
// (server-sent events, one JSON object per event: state, done, total). Without this script the
// page still shows the progress at load time and a link to refresh it.
(function () {
  "use strict";
  var section = document.querySelector("[data-evenements]");
  if (!section || !window.EventSource) { return; }
  document.documentElement.classList.add("js");
  var barre = document.getElementById("barre");
  var faits = document.getElementById("faits");
  var total = document.getElementById("total");
  var etat = document.getElementById("etat");
  var source = new EventSource(section.getAttribute("data-evenements"));
  function montre(donnees) {
    if (typeof donnees.total === "number") { barre.max = donnees.total; total.textContent = donnees.total; }
    if (typeof donnees.done === "number") { barre.value = donnees.done; faits.textContent = donnees.done; barre.textContent = donnees.done + " sur " + barre.max; }
  }
  source.addEventListener("progress", function (e) { montre(JSON.parse(e.data)); });
  source.addEventListener("end", function (e) {
    var donnees = JSON.parse(e.data);
    montre(donnees);
    source.close();
    etat.firstChild.textContent = donnees.state === "done" ? "Tirage terminé" : "Tirage interrompu";
    // The files are listed by the server: show them once the bar has been seen full.
    window.setTimeout(function () { window.location.reload(); }, 1500);
  });
  source.onerror = function () { if (source.readyState === EventSource.CLOSED) { etat.setAttribute("data-erreur", "1"); } };
}());
