// milab-plotly: classic Jupyter Notebook (6.x) extension that draws the Plotly figure JSON
// (application/vnd.plotly.v1+json) that milab's showPlot sends, with the plotly.min.js installed
// beside this file by environment/setup.sh (offline). Rendering the JSON, not the HTML part:
// - JSON outputs need no trust, so charts draw in notebooks that come back "Not Trusted";
// - plotly.js loads with every page, so charts draw after a page reload with the kernel alive.
define(['require', 'base/js/namespace', 'notebook/js/outputarea'], function (
  require,
  Jupyter,
  outputarea
) {
  'use strict';
  var MIME = 'application/vnd.plotly.v1+json';
  var OutputArea = outputarea.OutputArea;

  function appendPlotly(figure, md, element) {
    var toinsert = this.create_output_subarea(md, 'output_html rendered_html', MIME);
    var layout = figure.layout || {};
    var div = document.createElement('div');
    div.className = 'milab-plot';
    div.style.width = '100%';
    div.style.height = (typeof layout.height === 'number' ? layout.height : 420) + 'px';
    toinsert.append(div);
    element.append(toinsert);
    var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
    // plotly.js 3 is not an AMD module: loaded through require.js it sets window.Plotly.
    require(['./plotly.min'], function () {
      window.Plotly.newPlot(div, figure.data, layout, config);
    }, function (err) {
      div.textContent = 'Chart not drawn: milab-plotly could not load plotly.js (' + err + ').';
    });
    return toinsert;
  }

  // Outputs rendered before this extension registered (it loads alongside the notebook) fell back
  // to their HTML part: render those output areas again, keeping their trust.
  function rerenderLoadedOutputs() {
    Jupyter.notebook.get_cells().forEach(function (cell) {
      var area = cell.output_area;
      if (!area) return;
      var outputs = area.toJSON();
      var hasPlot = outputs.some(function (out) {
        return out.data && out.data[MIME] !== undefined;
      });
      if (!hasPlot) return;
      var trusted = area.trusted;
      area.clear_output(false, true);
      area.trusted = trusted;
      area.fromJSON(outputs);
    });
  }

  function load_ipython_extension() {
    if (OutputArea.append_map[MIME] === appendPlotly) return;
    // safe: rendered in untrusted notebooks too (it runs no code from the notebook);
    // index 0: preferred to the HTML part of the same output.
    OutputArea.prototype.register_mime_type(MIME, appendPlotly, { safe: true, index: 0 });
    if (Jupyter.notebook && Jupyter.notebook._fully_loaded) rerenderLoadedOutputs();
  }

  return { load_ipython_extension: load_ipython_extension };
});
