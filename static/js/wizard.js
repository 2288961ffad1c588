/*
 * The CERFA wizard of eGestion, enhanced; every step works without this file (each button saves the form).
 *
 * - Autosave: a moment after a change, the step's form is POSTed to its own URL with the X-Wizard-Autosave
 *   header; the server saves the draft (never refusing a value) and answers which conditional blocks apply
 *   (shown or hidden here, decided there) and the rule engine's messages for the step, shown next to the fields
 *   the user has changed. Leaving the page sends what is still pending.
 * - Enter in a look-up's search box searches (htmx) instead of submitting the form.
 */
(function () {
  "use strict";

  var DELAY_MS = 800;

  function init() {
    var form = document.getElementById("wizard-form");
    if (!form) {
      return;
    }
    focusSummary();
    bindLookups(form);
    if (form.hasAttribute("data-autosave")) {
      bindAutosave(form, form.getAttribute("data-autosave"));
    }
  }

  // Arriving on a step with errors: the summary takes the focus, unless a link aimed at a field.
  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary && !window.location.hash) {
      summary.focus();
    }
  }

  function bindLookups(form) {
    form.addEventListener("keydown", function (event) {
      var input = event.target;
      if (event.key !== "Enter" || !input.matches || !input.matches("input[data-lookup]")) {
        return;
      }
      event.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(input, "search");
      } else {
        var button = document.getElementById("search-" + input.getAttribute("data-lookup"));
        if (button) {
          button.click();
        }
      }
    });
  }

  function bindAutosave(form, url) {
    var timer = null;
    var pending = false;
    var submitting = false;
    var inflight = null;
    var touched = {};
    var status = document.getElementById("wizard-status");

    function isTracked(element) {
      return (
        element &&
        element.name &&
        element.form === form &&
        element.type !== "file" &&
        element.type !== "search" &&
        !element.hasAttribute("data-lookup")
      );
    }

    function onEdit(event) {
      if (!isTracked(event.target)) {
        return;
      }
      touched[event.target.name] = true;
      pending = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    }

    function body() {
      var data = new FormData(form);
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        data.delete(input.name);
      });
      return data;
    }

    function save(options) {
      window.clearTimeout(timer);
      if (!pending || submitting) {
        return;
      }
      pending = false;
      var request = fetch(url, {
        method: "POST",
        body: body(),
        credentials: "same-origin",
        keepalive: Boolean(options && options.keepalive),
        headers: { "X-Wizard-Autosave": "1", "X-Requested-With": "fetch" },
      });
      if (options && options.keepalive) {
        return;
      }
      inflight = request;
      request
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (answer) {
          if (status) {
            status.textContent = answer.message || "";
          }
          applyConditions(answer.conditions || {});
          applyMessages(answer.errors || {}, touched);
        })
        .catch(function () {
          pending = true;
          if (status) {
            status.textContent =
              "L'enregistrement automatique n'a pas abouti : cliquez sur « Sauvegarder » pour ne rien perdre.";
          }
        })
        .finally(function () {
          if (inflight === request) {
            inflight = null;
          }
        });
    }

    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    form.addEventListener("submit", function (event) {
      // The submitted form saves everything: nothing left to send. An autosave still on its way is let finish
      // first, so that it cannot land after the submitted values.
      window.clearTimeout(timer);
      pending = false;
      if (inflight && !submitting) {
        event.preventDefault();
        var submitter = event.submitter;
        submitting = true;
        inflight.finally(function () {
          form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
        });
        return;
      }
      submitting = true;
    });
    window.addEventListener("pagehide", function () {
      save({ keepalive: true });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        save({ keepalive: true });
      }
    });
  }

  function applyConditions(conditions) {
    document.querySelectorAll("[data-condition]").forEach(function (block) {
      var name = block.getAttribute("data-condition");
      if (Object.prototype.hasOwnProperty.call(conditions, name)) {
        block.hidden = !conditions[name];
      }
    });
  }

  function applyMessages(errors, touched) {
    Object.keys(touched).forEach(function (name) {
      var container = document.getElementById(name + "-error");
      var wrapper = document.querySelector('[data-field="' + name + '"]');
      if (!container || !wrapper) {
        return;
      }
      var messages = errors[name] || [];
      container.textContent = "";
      messages.forEach(function (message) {
        var line = document.createElement("p");
        line.textContent = message;
        container.appendChild(line);
      });
      wrapper.classList.toggle("field--invalid", messages.length > 0);
      document.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (messages.length) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
