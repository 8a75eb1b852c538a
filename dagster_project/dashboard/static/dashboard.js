/* The dashboard's one script: reads window.DASH (months, languages, KPI names) and window.PAGE
 * (this page's data, written by dagster_project/dashboard/build.py from the published mart) and
 * renders the page in the chosen month and language. Month and language live in the URL hash
 * (#month=2025-12&lang=sv), so links between pages keep them. No network access. */
(function () {
  "use strict";

  var D = window.DASH;
  var P = window.PAGE;
  var LOCALES = { en: "en-GB", sv: "sv-SE", fi: "fi-FI", da: "da-DK", ru: "ru-RU" };
  var STATUS_ICON = { excellent: "★", meets: "✓", below: "✗" };
  var state = { month: null, lang: "en" };

  function readHash() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    var lang = params.get("lang");
    var month = params.get("month");
    state.lang = lang && D.languages[lang] ? lang : "en";
    state.month = month && D.months.indexOf(month) >= 0 ? month : D.months[D.months.length - 1] || null;
  }

  function writeHash() {
    var hash = "#month=" + (state.month || "") + "&lang=" + state.lang;
    if (window.location.hash !== hash) {
      history.replaceState(null, "", hash);
    }
    document.querySelectorAll("nav a").forEach(function (link) {
      link.setAttribute("href", link.getAttribute("href").split("#")[0] + hash);
      if (link.dataset.page === P.id) {
        link.setAttribute("aria-current", "page");
      }
    });
  }

  function t(key) {
    var texts = D.i18n[state.lang] || D.i18n.en;
    return texts[key] !== undefined ? texts[key] : D.i18n.en[key] !== undefined ? D.i18n.en[key] : key;
  }

  function kpiName(id) {
    var kpi = D.kpis[id];
    if (!kpi) {
      return id;
    }
    return kpi.names[state.lang] || kpi.names.en;
  }

  // "@t:key" -> interface text, "@k:kpi_id" -> KPI name, anywhere in a string.
  function tr(text) {
    if (typeof text !== "string" || text.indexOf("@") < 0) {
      return text;
    }
    return text
      .replace(/@t:([A-Za-z0-9_.]+)/g, function (_, key) { return t(key); })
      .replace(/@k:([a-z0-9_]+)/g, function (_, id) { return kpiName(id); });
  }

  function translated(value) {
    if (Array.isArray(value)) {
      return value.map(translated);
    }
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) { copy[key] = translated(value[key]); });
      return copy;
    }
    return tr(value);
  }

  function number(value, digits) {
    return new Intl.NumberFormat(LOCALES[state.lang], {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  }

  function format(value, unit) {
    if (value === null || value === undefined) {
      return "–";
    }
    switch (unit) {
      case "percent": return number(value, 1) + " %";
      case "minutes":
      case "business_minutes": return number(value, 1) + " min";
      case "hours": return number(value, 1) + " h";
      case "seconds": return number(value, 1) + " s";
      case "currency": return number(value, 2) + " " + D.currency;
      case "count": return number(value, Math.round(value) === value ? 0 : 2);
      default: return number(value, 2);
    }
  }

  function monthLabel(month) {
    var parts = month.split("-");
    var when = new Date(Date.UTC(Number(parts[0]), Number(parts[1]) - 1, 1));
    return new Intl.DateTimeFormat(LOCALES[state.lang], { year: "numeric", month: "long", timeZone: "UTC" }).format(when);
  }

  function previousMonth(month) {
    var parts = month.split("-");
    var year = Number(parts[0]);
    var m = Number(parts[1]) - 1;
    if (m === 0) {
      year -= 1;
      m = 12;
    }
    return year + "-" + (m < 10 ? "0" : "") + m;
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attributes[key];
      } else {
        node.setAttribute(key, attributes[key]);
      }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // ---------------------------------------------------------------- header
  function renderHeader() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-i18n]").forEach(function (node) {
      node.textContent = t(node.dataset.i18n);
    });
    document.title = t(titleKey()) + " · " + t("title");
    var select = document.getElementById("month-select");
    select.innerHTML = "";
    D.months.slice().reverse().forEach(function (month) {
      var option = element("option", { value: month, text: monthLabel(month) });
      if (month === state.month) {
        option.selected = true;
      }
      select.appendChild(option);
    });
    document.getElementById("language-select").value = state.lang;
    var meta = document.getElementById("meta");
    meta.textContent = D.published_at ? t("published") + " " + D.published_at.slice(0, 16).replace("T", " ") + " UTC" : "";
  }

  function titleKey() {
    var page = D.pages.filter(function (p) { return p.id === P.id; })[0];
    return page ? page.title : "title";
  }

  // ---------------------------------------------------------------- scorecard
  function sparkline(kpi) {
    var index = D.months.indexOf(state.month);
    var months = D.months.slice(Math.max(0, index - 12), index + 1);
    var values = months.map(function (m) {
      var cell = (P.values[kpi.id] || {})[m];
      return cell ? cell[0] : null;
    });
    var present = values.filter(function (v) { return v !== null; });
    var label = t("col.trend") + ": " + months.map(function (m, i) {
      return monthLabel(m) + " " + format(values[i], kpi.unit);
    }).join("; ");
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "120");
    svg.setAttribute("height", "28");
    svg.setAttribute("viewBox", "0 0 120 28");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = label;
    svg.appendChild(title);
    if (present.length === 0) {
      return svg;
    }
    var low = Math.min.apply(null, present);
    var high = Math.max.apply(null, present);
    var span = high - low || 1;
    var step = months.length > 1 ? 116 / (months.length - 1) : 0;
    var path = "";
    var pen = false;
    values.forEach(function (v, i) {
      if (v === null) {
        pen = false;
        return;
      }
      var x = 2 + i * step;
      var y = 25 - ((v - low) / span) * 22;
      path += (pen ? " L" : " M") + x.toFixed(1) + " " + y.toFixed(1);
      pen = true;
    });
    var line = document.createElementNS("http://www.w3.org/2000/svg", "path");
    line.setAttribute("d", path.trim());
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#1f5fa6");
    line.setAttribute("stroke-width", "1.8");
    svg.appendChild(line);
    var last = values[values.length - 1];
    if (last !== null) {
      var dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("cx", (2 + (values.length - 1) * step).toFixed(1));
      dot.setAttribute("cy", (25 - ((last - low) / span) * 22).toFixed(1));
      dot.setAttribute("r", "2.5");
      dot.setAttribute("fill", "#1f5fa6");
      svg.appendChild(dot);
    }
    return svg;
  }

  function changeCell(kpi, value, previous) {
    if (value === null || previous === null || previous === undefined) {
      return element("td", { class: "change", text: "–" });
    }
    var diff = value - previous;
    var arrow = diff > 0 ? "▲ +" : diff < 0 ? "▼ −" : "■ ";
    var shown = kpi.unit === "percent" ? number(Math.abs(diff), 1) + " pp" : format(Math.abs(diff), kpi.unit);
    var quality = "neutral";
    if (diff !== 0 && kpi.higher_is_better !== null && kpi.higher_is_better !== undefined) {
      quality = (diff > 0) === kpi.higher_is_better ? "better" : "worse";
    }
    return element("td", { class: "change " + quality, text: arrow + shown });
  }

  // The group that moved the KPI most, its own figure (rate effect) and its weight (mix effect), each
  // in the KPI's unit and, when it is between 0 and 100 % of the change, as a share of it.
  function driverText(kpi, driver) {
    if (!driver || !driver.change) {
      return "";
    }
    var parts = [];
    var signed = function (v) {
      var shown = kpi.unit === "percent" ? number(Math.abs(v), 1) + " pp" : format(Math.abs(v), kpi.unit);
      return (v < 0 ? "−" : "+") + shown;
    };
    var share = function (v) {
      var pct = Math.round((100 * v) / driver.change);
      return pct > 0 && pct <= 100 ? " (" + pct + " %)" : "";
    };
    driver.groups.forEach(function (group, index) {
      var effect = group.mix + group.rate;
      if (index > 0 && Math.abs(effect) < 0.25 * Math.abs(driver.change)) {
        return;
      }
      if (group.rate_from !== null && group.rate_to !== null && Math.abs(group.rate) >= 0.05 * Math.abs(driver.change)) {
        parts.push(t("driver.rate")
          .replace("{group}", group.name)
          .replace("{from}", format(group.rate_from, kpi.unit)).replace("{to}", format(group.rate_to, kpi.unit))
          .replace("{effect}", signed(group.rate) + share(group.rate)));
      }
      if (Math.abs(group.mix) >= 0.05 * Math.abs(driver.change)) {
        parts.push(t("driver.mix")
          .replace("{group}", group.name)
          .replace("{more_less}", t(group.share_to >= group.share_from ? "driver.more" : "driver.less"))
          .replace("{from}", number(100 * group.share_from, 0) + " %").replace("{to}", number(100 * group.share_to, 0) + " %")
          .replace("{effect}", signed(group.mix) + share(group.mix)));
      }
    });
    if (parts.length === 0) {
      return "";
    }
    return t("driver.by") + " " + t("dim." + driver.dimension) + ": " + parts.join("; ");
  }

  function renderScorecard(root) {
    var families = [];
    Object.keys(D.kpis).forEach(function (id) {
      var family = D.kpis[id].family;
      if (families.indexOf(family) < 0) {
        families.push(family);
      }
    });
    var previous = previousMonth(state.month);
    var drivers = (P.drivers || {})[state.month] || {};
    families.forEach(function (family) {
      var kpis = P.kpis.filter(function (k) { return k.family === family; });
      var rows = kpis.filter(function (k) { return (P.values[k.id] || {})[state.month]; });
      if (rows.length === 0) {
        return;
      }
      var section = element("section", { class: "family", "aria-labelledby": "family-" + family });
      section.appendChild(element("h2", { id: "family-" + family, text: t("family." + family) }));
      var head = element("tr", {}, ["col.kpi", "col.value", "col.benchmark", "col.status", "col.change", "col.trend", "col.drivers"]
        .map(function (key) { return element("th", { scope: "col", text: t(key) }); }));
      var body = element("tbody");
      rows.forEach(function (kpi) {
        var cell = P.values[kpi.id][state.month];
        var value = cell[0];
        var status = cell[1];
        var before = (P.values[kpi.id] || {})[previous];
        var tr = element("tr", { "data-kpi-id": kpi.id });
        tr.appendChild(element("th", { scope: "row", class: "kpi-name", title: kpi.definition, text: kpiName(kpi.id) }));
        tr.appendChild(element("td", { class: "value", "data-value": value === null ? "" : String(value), text: value === null ? t("no_value") : format(value, kpi.unit) }));
        var benchmark = kpi.benchmark
          ? ({ lte: "≤ ", lt: "< ", gte: "≥ ", gt: "> ", between: "≈ " }[kpi.benchmark.comparison] || "") + format(kpi.benchmark.value, kpi.unit)
          : "–";
        tr.appendChild(element("td", { class: "benchmark", text: benchmark }));
        var statusCell = element("td", { class: "status" });
        if (status) {
          statusCell.appendChild(element("span", { class: "badge badge-" + status, text: STATUS_ICON[status] + " " + t("status." + status) }));
        } else {
          statusCell.appendChild(element("span", { class: "badge badge-none", text: t("status.none") }));
        }
        tr.appendChild(statusCell);
        tr.appendChild(changeCell(kpi, value, before ? before[0] : null));
        var trend = element("td", { class: "trend" });
        trend.appendChild(sparkline(kpi));
        tr.appendChild(trend);
        tr.appendChild(element("td", { class: "drivers", text: driverText(kpi, drivers[kpi.id]) }));
        body.appendChild(tr);
      });
      var columns = element("colgroup", {}, ["kpi", "value", "benchmark", "status", "change", "trend", "drivers"]
        .map(function (name) { return element("col", { class: "c-" + name }); }));
      section.appendChild(element("table", { class: "scorecard" }, [columns, element("thead", {}, [head]), body]));
      root.appendChild(section);
    });
  }

  // ---------------------------------------------------------------- charts
  function dataTable(figure) {
    var table = element("table", { class: "data" });
    var traces = figure.data;
    if (traces.length === 1 && traces[0].type === "heatmap") {
      var heat = traces[0];
      table.appendChild(element("thead", {}, [element("tr", {}, [element("th", { text: "" })].concat(
        heat.x.map(function (x) { return element("th", { scope: "col", text: String(x) }); })))]));
      var body = element("tbody");
      heat.y.forEach(function (y, i) {
        body.appendChild(element("tr", {}, [element("th", { scope: "row", text: String(y) })].concat(
          heat.z[i].map(function (v) { return element("td", { text: v === null ? "–" : number(v, 1) }); }))));
      });
      table.appendChild(body);
      return table;
    }
    var horizontal = traces[0] && traces[0].orientation === "h";
    var keys = [];
    traces.forEach(function (trace) {
      (horizontal ? trace.y : trace.x || trace.y).forEach(function (k) {
        if (keys.indexOf(k) < 0) {
          keys.push(k);
        }
      });
    });
    table.appendChild(element("thead", {}, [element("tr", {}, [element("th", { text: "" })].concat(
      traces.map(function (trace) { return element("th", { scope: "col", text: trace.name || "" }); })))]));
    var rows = element("tbody");
    var labelOf = function (key) {
      var first = traces[0];
      var i = first.text && first.x ? first.x.indexOf(key) : -1;
      return i >= 0 ? String(first.text[i]) : String(key);
    };
    keys.forEach(function (key) {
      rows.appendChild(element("tr", {}, [element("th", { scope: "row", text: labelOf(key) })].concat(traces.map(function (trace) {
        var labels = trace.type === "funnel" || horizontal ? trace.y : trace.x;
        var values = trace.type === "funnel" || horizontal ? trace.x : trace.y;
        var i = labels.indexOf(key);
        var v = i >= 0 ? values[i] : null;
        return element("td", { text: v === null || v === undefined ? "–" : number(v, Math.round(v) === v ? 0 : 1) });
      }))));
    });
    table.appendChild(rows);
    return table;
  }

  function renderCharts(root) {
    var plots = [];
    P.charts.forEach(function (chart) {
      var title = tr(chart.title.charAt(0) === "@" ? chart.title : "@t:" + chart.title);
      var section = element("section", { class: "chart", id: "chart-" + chart.id });
      section.appendChild(element("h2", { text: title }));
      var figure = chart.figures[state.month] || chart.figures["*"];
      if (!figure) {
        section.appendChild(element("p", { class: "empty", text: t("no_data") }));
        root.appendChild(section);
        return;
      }
      figure = translated(figure);
      if (chart.trend) {
        // The 13 months ending with the chosen one (half a month of margin on each side).
        var first = state.month;
        for (var i = 0; i < 12; i += 1) {
          first = previousMonth(first);
        }
        figure.layout.xaxis = Object.assign({}, figure.layout.xaxis, {
          type: "date",
          range: [previousMonth(first) + "-16", state.month + "-15"],
        });
        figure.data.forEach(function (trace) {
          var keep = trace.x.map(function (x) { return x >= first && x <= state.month; });
          trace.x = trace.x.filter(function (_, j) { return keep[j]; });
          trace.y = trace.y.filter(function (_, j) { return keep[j]; });
        });
      }
      var plot = element("div", { class: "plot", role: "img", "aria-label": title });
      section.appendChild(plot);
      var details = element("details", {}, [element("summary", { text: t("data_table") + ": " + title })]);
      details.appendChild(dataTable(figure));
      section.appendChild(details);
      root.appendChild(section);
      plots.push([plot, figure]);
    });
    // Drawn once every section is in place, so each plot takes its card's final width.
    plots.forEach(function (item) {
      window.Plotly.newPlot(item[0], item[1].data, item[1].layout, { displayModeBar: false, responsive: true });
    });
  }

  function renderAgents(root) {
    var rows = (P.table.rows || {})[state.month] || [];
    if (rows.length === 0) {
      return;
    }
    var section = element("section", { class: "chart" });
    var head = element("tr", {}, P.table.columns.map(function (column) { return element("th", { scope: "col", text: tr(column) }); }));
    var units = [null, null, "score", "count", "minutes", "hours", "percent", "count", "seconds", "percent", "percent", "percent"];
    var body = element("tbody", {}, rows.map(function (row) {
      return element("tr", {}, row.map(function (v, i) {
        if (i === 1) {
          return element("th", { scope: "row", text: v === null ? "–" : String(v) });
        }
        return element("td", { text: i === 0 ? String(v) : format(v, units[i]) });
      }));
    }));
    section.appendChild(element("table", { class: "data leaderboard" }, [element("thead", {}, [head]), body]));
    root.appendChild(section);
  }

  function render() {
    writeHash();
    renderHeader();
    var root = document.getElementById("page");
    root.innerHTML = "";
    if (!state.month) {
      root.appendChild(element("p", { class: "empty", text: t("no_data") }));
      return;
    }
    if (P.id === "scorecard") {
      renderScorecard(root);
    } else {
      renderCharts(root);
      if (P.id === "agents") {
        renderAgents(root);
      }
    }
    document.body.dataset.rendered = state.month + "|" + state.lang;
  }

  document.getElementById("month-select").addEventListener("change", function (event) {
    state.month = event.target.value;
    render();
  });
  document.getElementById("language-select").addEventListener("change", function (event) {
    state.lang = event.target.value;
    render();
  });
  window.addEventListener("hashchange", function () {
    readHash();
    render();
  });
  readHash();
  render();
})();
