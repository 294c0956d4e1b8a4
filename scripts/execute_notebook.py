"""Execute one notebook headlessly with the real Jupyter stack and export it.

Called by scripts/notebook-runner.ts (which picks the Python found by environment/setup.sh):
  execute_notebook.py NOTEBOOK --ipynb OUT.ipynb --html OUT.html --cwd DIR --timeout SECONDS
                      [--kernel-log FILE]

Prints one line per executed code cell on stderr and, last, one JSON line on stdout:
  {"ok": true, "cells": N, "seconds": S}
  {"ok": false, "cell": K, "cells": N, "source": "first line", "message": "...", "details": "..."}
tslab reports errors as stderr text rather than `error` messages, so the message is dug out of the
failing cell's stderr. Nothing is written unless every cell succeeded.

Written on success: the executed notebook, signed with the Jupyter notary of this environment
(JUPYTER_DATA_DIR, as `npm run lab` uses it) so it opens Trusted; the HTML export; and, when the
notebook has charts, plotly.min.js beside the export, which loads it by a relative path (offline,
and the folder can be copied elsewhere). MathJax is still the system's (the exporter's default URL).

The kernel process's own stdout and stderr (what Node prints outside any cell: a fatal V8 message,
an unhandled promise rejection, a native abort) go to --kernel-log. When the kernel dies, the
failure names its exit status or signal and ends with the log's last lines, so a death is never
reported as a bare "Kernel died".
"""
import argparse
import json
import os
import re
import shutil
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

ERROR_LINE = re.compile(r"^\s*([A-Za-z_$][\w$]*(Error|Exception)\b.*)$")


def failure_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            parts.append("%s: %s" % (out.get("ename", "Error"), out.get("evalue", "")))
            parts.extend(out.get("traceback", []))
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
    return "\n".join(parts)


def failure_message(details, fallback):
    lines = [line for line in details.splitlines() if line.strip()]
    for line in lines:
        match = ERROR_LINE.match(line)
        if match:
            return match.group(1).strip()
    # TypeScript diagnostics from tslab look like "3:7 - Type 'string' is not assignable ...".
    return lines[0].strip() if lines else fallback


def kernel_exit(client):
    """'exit status N' or 'signal SIGKILL (9)' for a dead kernel, or None while it runs."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    if process is None:
        return None
    try:
        process.wait(timeout=5)  # a dying process may need a moment to be reaped
    except Exception:
        return None
    code = process.returncode
    if code is None:
        return None
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "signal"
        return "signal %s (%d)" % (name, -code)
    return "exit status %d" % code


KERNEL_REASON = re.compile(r"(Error|Exception|FATAL|Fatal|Assertion|abort|Segmentation|Killed|heap)", re.I)


def kernel_reason(output):
    """The line of a dead kernel's output that says why: an error or fatal message, else its last
    line (Node ends a crash report with a bare version line, which says nothing)."""
    lines = [l.strip() for l in output.splitlines() if l.strip() and not l.startswith("Node.js v")]
    for line in lines:
        match = ERROR_LINE.match(line)
        if match:
            return match.group(1)[:300]
    for line in lines:
        if KERNEL_REASON.search(line) and not line.startswith("at "):
            return line[:300]
    return lines[-1][:300] if lines else ""


def dead_kernel(client, args, what, cell_output=""):
    """Message and details for a kernel that died: its exit status or signal, and its last words."""
    status = kernel_exit(client) or "exit status unknown"
    last = tail(args.kernel_log)
    reason = kernel_reason(last)
    message = "%s (%s)%s" % (what, status, ": " + reason if reason else ", and it wrote nothing")
    # The kernel's last words first: the cell's output rarely says why a process died.
    details = "--- the kernel's last output ---\n%s" % (last or "(nothing)")
    if cell_output.strip():
        details += "\n--- the cell's output ---\n" + cell_output
    return message, details


def tail(path, lines=25):
    if not path:
        return ""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run_cells(client, nb, args, name, total):
    """Execute the code cells in order; None when all succeeded, else the failure report."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell_started = time.time()
        try:
            client.execute_cell(cell, index)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
            details = failure_text(cell)
            if isinstance(err, CellTimeoutError):
                message = "timed out after %g s" % args.timeout
            elif isinstance(err, DeadKernelError):
                message, details = dead_kernel(client, args, "the kernel died", details)
            else:
                text = str(err).strip()
                message = failure_message(details, text.splitlines()[-1] if text else "failed")
            source = next((l for l in cell.source.splitlines() if l.strip()), "")
            return {"ok": False, "cell": index + 1, "cells": total, "source": source[:120],
                    "message": message, "details": details[-4000:]}
        print("  %s: cell %d/%d %.1fs" % (name, index + 1, total, time.time() - cell_started),
              file=sys.stderr, flush=True)
    return None


def record_execution_count(cell, cell_index, execute_reply):
    """Number the cell as the kernel did. nbclient takes the count only from iopub messages
    (execute_input, execute_result), and tslab sends neither: it prints values to stdout and puts
    the count in execute_reply alone, so without this every cell would show `In [ ]:`."""
    count = (execute_reply or {}).get("content", {}).get("execution_count")
    if cell.get("execution_count") is None and isinstance(count, int):
        cell["execution_count"] = count


# --- Export and signature -------------------------------------------------------------------
# Charts (milab's showPlot) carry their figure, not plotly.js: the export loads one plotly.min.js
# copied beside it, so the report folder opens offline anywhere and each file stays small.
PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_JS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         "node_modules", "plotly.js-dist-min", "plotly.min.js")


def has_plotly_output(nb):
    return any(PLOTLY_MIME in out.get("data", {})
               for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []))


# Debian's nbconvert points the export at this machine's copies (file:///usr/share/javascript),
# which no other machine has. A single file (require.js) is copied beside the export; MathJax loads
# dozens of files from its folder, so the export tries this machine's copy and, failing that (another
# machine, or the page served over http), a CDN: LaTeX renders here offline and elsewhere online.
LOCAL_SCRIPT = re.compile(r'<script src="file://(/[^"?]+)(\?[^"]*)?">\s*</script>')
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@2.7.9/MathJax.js"


def portable_scripts(html, folder):
    def replace(match):
        path, query = match.group(1), match.group(2) or ""
        name = os.path.basename(path)
        if name == "MathJax.js":
            fallback = ("var s=document.createElement('script');s.src='%s%s';"
                        "document.head.appendChild(s);" % (MATHJAX_CDN, query))
            return '<script src="file://%s%s" onerror="%s"></script>' % (path, query, fallback)
        if os.path.isfile(path):
            shutil.copyfile(path, os.path.join(folder, name))
            return '<script src="%s%s"></script>' % (name, query)
        return match.group(0)
    return LOCAL_SCRIPT.sub(replace, html)


def export_html(nb, title, html_path):
    """The HTML export; with a chart, plotly.min.js beside it, loaded once in <head> (plotly.js 3
    sets window.Plotly whether or not the template's require.js is there)."""
    html, _ = HTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    html = portable_scripts(html, os.path.dirname(html_path))
    if has_plotly_output(nb):
        shutil.copyfile(PLOTLY_JS, os.path.join(os.path.dirname(html_path), "plotly.min.js"))
        html = html.replace("</head>", '<script src="plotly.min.js"></script>\n</head>', 1)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(html)


def sign(ipynb_path):
    """Mark the executed notebook trusted with the notary that `jupyter notebook` uses (the same
    Jupyter data dir: JUPYTER_DATA_DIR or the user's), so it opens Trusted. The file is signed as
    the server will read it back. A failure (a read-only data dir) only costs the trust mark."""
    try:
        from nbformat.sign import NotebookNotary
        NotebookNotary().sign(nbformat.read(ipynb_path, as_version=4))
    except Exception as err:
        print("  not signed (%s): it opens untrusted; charts still draw" % err, file=sys.stderr)


def die_with_parent():
    """On Linux, get SIGTERM when the runner that started us dies, so that a killed `npm start`
    leaves no executor behind (the kernel, in turn, exits when its parent is gone)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main():
    die_with_parent()
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--ipynb", required=True)
    parser.add_argument("--html", required=True)
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=int, required=True, help="per cell, seconds")
    parser.add_argument("--kernel", default="tslab")
    parser.add_argument("--kernel-log", default=None, help="file for the kernel process's output")
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    name = args.notebook.rsplit("/", 1)[-1]
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=180,
        iopub_timeout=60,
        resources={"metadata": {"path": args.cwd}},
        on_cell_executed=record_execution_count,
    )
    total = len(nb.cells)
    started = time.time()
    log = open(args.kernel_log, "w", encoding="utf-8") if args.kernel_log else None
    launch = {"stdout": log, "stderr": log} if log else {}
    failure = None
    try:
        with client.setup_kernel(**launch):
            failure = run_cells(client, nb, args, name, total)
    except Exception as err:  # the kernel did not start, or could not be shut down
        if failure is None:
            message, details = dead_kernel(client, args, "the kernel did not start")
            if not tail(args.kernel_log):
                message = "the kernel did not start: %s" % (str(err).strip() or type(err).__name__)
            failure = {"ok": False, "cell": 0, "cells": total, "source": "", "message": message,
                       "details": details[-4000:]}
    if failure is not None:
        print(json.dumps(failure), flush=True)
        return 1

    nbformat.write(nb, args.ipynb)
    sign(args.ipynb)
    export_html(nb, name.rsplit(".", 1)[0], args.html)
    print(json.dumps({"ok": True, "cells": total, "seconds": round(time.time() - started, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
