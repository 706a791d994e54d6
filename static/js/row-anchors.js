// Links to one row of a long table (/networks/x/#membership-12, /declarations/y/#signature-7)
// predate its pagination: when that row is not on the page shown, ask the server for the page
// that holds it (?membership=12). Without JavaScript the link still opens the record's page.
(function () {
  "use strict";
  var match = /^#(membership|signature)-(\d+)$/.exec(window.location.hash);
  if (!match || document.getElementById(match[1] + "-" + match[2])) {
    return;
  }
  var params = new URLSearchParams(window.location.search);
  if (params.get(match[1]) === match[2]) {
    return; // asked already: the row is not one of this record's
  }
  params.delete("page");
  params.set(match[1], match[2]);
  window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
})();
