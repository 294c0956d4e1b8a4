"""Execute one notebook headlessly with the real Jupyter stack and export it.

Called by scripts/notebook-runner.ts (which picks the Python found by environment/setup.sh):
  execute_notebook.py NOTEBOOK --ipynb OUT.ipynb --html OUT.html --cwd DIR --timeout SECONDS

Prints one line per executed code cell on stderr and, last, one JSON line on stdout:
  {"ok": true, "cells": N, "seconds": S}
  {"ok": false, "cell": K, "cells": N, "source": "first line", "message": "...", "details": "..."}
tslab reports errors as stderr text rather than `error` messages, so the message is dug out of the
failing cell's stderr. Nothing is written unless every cell succeeded.
"""
import argparse
import json
import re
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--ipynb", required=True)
    parser.add_argument("--html", required=True)
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=int, required=True, help="per cell, seconds")
    parser.add_argument("--kernel", default="tslab")
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
    )
    total = len(nb.cells)
    started = time.time()
    with client.setup_kernel():
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
                    message = "the kernel died: " + failure_message(details, str(err).strip())
                else:
                    message = failure_message(details, str(err).strip().splitlines()[-1] if str(err).strip() else "failed")
                source = next((l for l in cell.source.splitlines() if l.strip()), "")
                print(json.dumps({"ok": False, "cell": index + 1, "cells": total, "source": source[:120],
                                  "message": message, "details": details[-4000:]}), flush=True)
                return 1
            print("  %s: cell %d/%d %.1fs" % (name, index + 1, total, time.time() - cell_started),
                  file=sys.stderr, flush=True)

    nbformat.write(nb, args.ipynb)
    html, _ = HTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": name.rsplit(".", 1)[0]}})
    with open(args.html, "w", encoding="utf-8") as f:
        f.write(html)
    print(json.dumps({"ok": True, "cells": total, "seconds": round(time.time() - started, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
