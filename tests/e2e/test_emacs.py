"""Emacs in batch mode with client-config/emacs/blitzls.el, Eglot, the real server and the model.

The driver loads blitzls.el the way the file's Setup section says (``load-path``, ``require``,
``blitzls-register``), starts Eglot with ``M-x eglot`` and types the commands as keyboard
macros, so the minibuffer prompts and Eglot's completion menu run as they do for a person.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.edit_samples import (
    FIX_SHAPES,
    INSTRUCTION,
    INSTRUCTION_LINE,
    STATS,
    expected_fixed,
    without_instruction,
)
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.support.cli import run_editor
from tests.support.scripted_model import Reply, ScriptedModelServer

EMACS_CONFIG = ROOT / "client-config" / "emacs"
TIMEOUT_S = 60
EDIT_LINES = (20, 23)  # 0-based [start, end): the even branch of median() and the line after
EDIT_INSTRUCTION = "make median average the middle pair for even lengths"

# Report entries are pushed as (key . value) pairs and written as JSON at the end.
DRIVER_EL = r""";;; driver.el --- Eglot + blitzls.el for a test  -*- lexical-binding: t; -*-
(require 'json)
(require 'cl-lib)
(defvar blitzls-test-cfg (json-read-file (car command-line-args-left)))
(setq command-line-args-left nil)
(defun blitzls-test-cfg (key) (alist-get key blitzls-test-cfg))
(defvar blitzls-test-report nil)
(defun blitzls-test-note (key value) (push (cons key value) blitzls-test-report))
(defun blitzls-test-save ()
  (let ((coding-system-for-write 'utf-8))
    (with-temp-file (blitzls-test-cfg 'report)
      (insert (json-encode (nreverse blitzls-test-report))))))

;; The user's init.el, as the Setup section of blitzls.el has it.
(add-to-list 'load-path (blitzls-test-cfg 'config_dir))
(require 'blitzls)
(setq blitzls-initialization-options '(:maxTokens 200 :contextLines 300))
(blitzls-register)

(setq make-backup-files nil create-lockfiles nil auto-save-default nil)
(transient-mark-mode 1)  ; on in every interactive Emacs, off in batch mode
(blitzls-test-note 'emacs_version emacs-version)
(blitzls-test-note 'eglot_file (locate-library "eglot"))

;; Eglot asks before applying an edit the server sends (eglot-confirm-server-initiated-edits):
;; record the question and answer yes.
(defvar blitzls-test-confirmations nil)
(advice-add 'y-or-n-p :override
            (lambda (prompt) (push prompt blitzls-test-confirmations) t))

(defun blitzls-test-wait (predicate seconds)
  "Run the event loop until PREDICATE holds or SECONDS pass; return PREDICATE's value."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall predicate)))

(defun blitzls-test-visit (file line column)
  "Visit FILE, wait until Eglot manages it, put point at 0-based LINE and COLUMN."
  (find-file file)
  (unless (blitzls-test-wait (lambda () (bound-and-true-p eglot--managed-mode))
                             (blitzls-test-cfg 'timeout))
    (error "Eglot does not manage %s" file))
  (goto-char (point-min))
  (forward-line line)
  (forward-char column))

(defun blitzls-test-type (keys file)
  "Type KEYS; wait until FILE's buffer changes, then save it."
  (let ((tick (buffer-modified-tick)))
    (execute-kbd-macro (kbd keys))
    (unless (blitzls-test-wait (lambda () (/= tick (buffer-modified-tick)))
                               (blitzls-test-cfg 'timeout))
      (error "%s did not change %s" keys file))
    (save-buffer)))

(defun blitzls-test-main ()
  ;; 1. M-x eglot in a python-mode buffer starts blitzls (found on PATH).
  (find-file (blitzls-test-cfg 'file))
  (blitzls-test-note 'major_mode (symbol-name major-mode))
  (execute-kbd-macro (kbd "M-x eglot RET"))
  (unless (blitzls-test-wait (lambda () (bound-and-true-p eglot--managed-mode))
                             (blitzls-test-cfg 'timeout))
    (error "Eglot did not connect"))
  (let ((server (eglot-current-server)))
    (blitzls-test-note 'server_name (plist-get (eglot--server-info server) :name))
    (blitzls-test-note 'server_command (process-command (jsonrpc--process server))))
  ;; 2. Point in the pseudocode comments, M-x blitzls-pseudocode.
  (blitzls-test-visit (blitzls-test-cfg 'file) (blitzls-test-cfg 'comment_line) 6)
  (blitzls-test-type "M-x blitzls-pseudocode RET" (blitzls-test-cfg 'file))
  ;; 3. Lines marked with C-SPC C-n..., M-x blitzls-edit, the instruction at its prompt.
  (blitzls-test-visit (blitzls-test-cfg 'edit_file) (blitzls-test-cfg 'edit_line) 0)
  (blitzls-test-type (concat "C-SPC "
                             (mapconcat #'identity
                                        (make-list (blitzls-test-cfg 'edit_count) "C-n") " ")
                             " M-x blitzls-edit RET "
                             (replace-regexp-in-string " " " SPC " (blitzls-test-cfg 'instruction))
                             " RET")
                     (blitzls-test-cfg 'edit_file))
  ;; 4. An ai! comment, M-x eglot-code-actions, the action picked from the menu by its title.
  (blitzls-test-visit (blitzls-test-cfg 'ai_file) (blitzls-test-cfg 'ai_line) 6)
  (let ((actions (eglot-code-actions (point) (point))))
    (blitzls-test-note 'ai_titles (vconcat (mapcar (lambda (a) (plist-get a :title)) actions))))
  (blitzls-test-type (concat "M-x eglot-code-actions RET "
                             (replace-regexp-in-string " " " SPC " (blitzls-test-cfg 'ai_title))
                             " RET")
                     (blitzls-test-cfg 'ai_file))
  (blitzls-test-note 'confirmations (vconcat (reverse blitzls-test-confirmations))))

(condition-case err
    (progn (blitzls-test-main)
           (blitzls-test-save)
           (kill-emacs 0))
  (error
   (blitzls-test-note 'error (error-message-string err))
   (let ((server (ignore-errors (eglot-current-server))))
     (when server
       (with-current-buffer (jsonrpc-events-buffer server)
         (blitzls-test-note 'events (buffer-substring-no-properties
                                     (max (point-min) (- (point-max) 6000)) (point-max))))))
   (blitzls-test-save)
   (kill-emacs 1)))
"""


def _loads_eglot(emacs: str) -> bool:
    """Whether ``emacs --batch`` can load Eglot (built in since Emacs 29, elpa-eglot for 28)."""
    try:
        proc = subprocess.run(
            [emacs, "--batch", "--eval", '(progn (require \'eglot) (princ "eglot-ok"))'],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and proc.stdout.strip() == "eglot-ok"


def find_emacs() -> tuple[str | None, str]:
    """An Emacs (``$BLITZLS_EMACS`` or PATH) that can load Eglot, or None and why not."""
    emacs = os.environ.get("BLITZLS_EMACS") or shutil.which("emacs")
    if emacs is None:
        return None, "no emacs on PATH (apt-get install emacs-nox elpa-eglot)"
    if not _loads_eglot(emacs):
        return None, f"{emacs} cannot load eglot (apt-get install elpa-eglot, or Emacs 29+)"
    return emacs, ""


EMACS, WHY_NOT = find_emacs()
pytestmark = [
    pytest.mark.needs("emacs"),
    pytest.mark.skipif(EMACS is None, reason=f"needs Emacs with Eglot: {WHY_NOT}"),
]


def write_wrapper(bin_dir: Path) -> None:
    """A ``blitzls`` on PATH that runs this interpreter's blitzls, as an installed one would."""
    bin_dir.mkdir()
    wrapper = bin_dir / "blitzls"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m blitzls "$@"\n', "utf-8")
    wrapper.chmod(0o755)


def run_emacs(tmp_path: Path, server_env: dict[str, str], config: dict[str, Any]) -> dict[str, Any]:
    home = tmp_path / "home"
    home.mkdir()
    write_wrapper(tmp_path / "bin")
    env = dict(server_env)
    env["HOME"] = str(home)
    env["PATH"] = os.pathsep.join([str(tmp_path / "bin"), env.get("PATH", "")])
    report = tmp_path / "report.json"
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps({**config, "report": str(report)}), "utf-8")
    driver = tmp_path / "driver.el"
    driver.write_text(DRIVER_EL, "utf-8")
    assert EMACS is not None
    proc = run_editor(
        "emacs",
        [EMACS, "--batch", "-l", str(driver), str(config_file)],
        cwd=tmp_path,
        env=env,
        timeout=TIMEOUT_S,
    )
    data: dict[str, Any] = json.loads(report.read_text("utf-8")) if report.exists() else {}
    if proc.returncode != 0 or "error" in data:
        pytest.fail(
            f"emacs exited {proc.returncode}: {data.get('error')}\nstderr: {proc.stderr[-4000:]}\n"
            f"events:\n{data.get('events')}"
        )
    return data


def test_eglot_with_blitzls_el_converts_pseudocode_and_applies_edits(
    model_server: ScriptedModelServer, server_env: dict[str, str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    source = project / "inventory.py"
    source.write_bytes(INVENTORY.encode("utf-8"))
    edited = project / "stats.py"
    edited.write_bytes(without_instruction().encode("utf-8"))
    annotated = project / "annotated.py"
    annotated.write_bytes(STATS.encode("utf-8"))
    model_server.enqueue(
        Reply(content=REPLY_SHAPES["chatter"]),
        Reply(content=FIX_SHAPES["unified_diff"]),
        Reply(content=FIX_SHAPES["fenced"]),
    )
    ai_title = f"Apply instruction: {INSTRUCTION}"

    report = run_emacs(
        tmp_path,
        server_env,
        {
            "config_dir": str(EMACS_CONFIG),
            "file": str(source),
            "comment_line": PSEUDOCODE_LINES[0],
            "edit_file": str(edited),
            "edit_line": EDIT_LINES[0],
            "edit_count": EDIT_LINES[1] - EDIT_LINES[0],
            "instruction": EDIT_INSTRUCTION,
            "ai_file": str(annotated),
            "ai_line": INSTRUCTION_LINE,
            "ai_title": ai_title,
            "timeout": 20,
        },
    )

    # The files Emacs saved: exactly the expected code, nothing else changed.
    assert source.read_text("utf-8") == expected_inventory()
    assert edited.read_text("utf-8") == without_instruction().replace(
        "        return ordered[middle]\n    return",
        "        return (ordered[middle - 1] + ordered[middle]) / 2\n    return",
    )
    assert annotated.read_text("utf-8") == expected_fixed()

    # blitzls.el's defaults: `blitzls serve` from PATH, initializationOptions sent.
    assert report["major_mode"] == "python-mode"
    assert report["server_name"] == "blitzls"
    assert report["server_command"] == ["blitzls", "serve"]
    first, second, third = model_server.chat_requests
    assert all(r.body["max_tokens"] == 200 for r in (first, second, third))
    assert EDIT_INSTRUCTION in second.body["messages"][-1]["content"]
    assert ai_title in report["ai_titles"]
    # Eglot 1.9 runs the action's command; the server's workspace/applyEdit is confirmed.
    assert len(report["confirmations"]) == 3
    assert all("Server wants to edit" in c for c in report["confirmations"])
    assert re.match(r"\d+\.\d+", report["emacs_version"])
