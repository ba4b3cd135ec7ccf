;;; blitzls.el --- Eglot setup for the blitzls language server  -*- lexical-binding: t; -*-

;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, tools
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; blitzls puts fast coding models behind the code-action menu.  Put point in a block of
;; pseudocode comments (or mark lines) and run M-x blitzls-pseudocode: the comments become code.
;; `eglot-code-actions' offers the same action as "Convert pseudocode to code", but without a
;; region Eglot sends the word at point, so it converts that one line only: mark the lines
;; first.  (`eglot-code-action-rewrite' does not list it in Eglot 1.9, which wants the exact kind
;; "refactor.rewrite"; blitzls's kind is "refactor.rewrite.blitzls.pseudocode".)
;;
;; Setup (init.el):
;;
;;   (add-to-list 'load-path "/path/to/blitzls/client-config/emacs")
;;   (require 'blitzls)
;;   (blitzls-register)              ; python-mode, js, ts, go, rust, ... (see `blitzls-modes')
;;   ;; then M-x eglot in a buffer of one of those modes
;;
;; Eglot runs one server per buffer, so registering blitzls for a mode replaces the server
;; Eglot would otherwise start there (e.g. pylsp).  Register it only for the modes you want.
;;
;; Settings are camelCase, see `blitzls-initialization-options'; unset ones fall back to the
;; BLITZLS_* environment variables.  Keep the API key in the environment (XAI_API_KEY, or the
;; variable named by apiKeyEnv), not in your init file.
;;
;; Instructions: M-x blitzls-edit asks for one and sends it with the region (or the current
;; line) to the server's `blitzls.edit' command.  Editors without a prompt use comments
;; instead: a line such as
;;
;;   # ai! add type hints and a docstring
;;
;; makes the code-action menu offer "Apply instruction: add type hints and a docstring".
;; Both need a blitzls version with instruction edits.

;;; Code:

(require 'eglot)
(require 'subr-x)

(defgroup blitzls nil
  "Fast-model code actions through the blitzls language server."
  :group 'tools
  :prefix "blitzls-")

(defcustom blitzls-command '("blitzls" "serve")
  "Command and arguments that start blitzls on stdio."
  :type '(repeat string))

(defcustom blitzls-modes
  '(python-mode python-ts-mode js-mode js-ts-mode typescript-mode typescript-ts-mode
    tsx-ts-mode go-mode go-ts-mode rust-mode rust-ts-mode c-mode c-ts-mode c++-mode
    c++-ts-mode java-mode java-ts-mode ruby-mode ruby-ts-mode lua-mode sh-mode bash-ts-mode)
  "Major modes `blitzls-register' starts blitzls for."
  :type '(repeat symbol))

(defcustom blitzls-initialization-options '()
  "Settings sent as initializationOptions under \"blitzls\".
A plist with camelCase keys, for example
  (:model \"grok-code-fast-1\" :baseUrl \"http://localhost:11434/v1\").
Leave out what you do not set: the server then reads its BLITZLS_*
environment variables."
  :type 'plist)

(defun blitzls--contact (&optional _interactive)
  "The Eglot contact for blitzls: the command plus initialization options."
  (append blitzls-command
          (when blitzls-initialization-options
            (list :initializationOptions
                  (list :blitzls blitzls-initialization-options)))))

;;;###autoload
(defun blitzls-register ()
  "Make Eglot use blitzls for `blitzls-modes'."
  (interactive)
  (add-to-list 'eglot-server-programs (cons blitzls-modes #'blitzls--contact)))

(defconst blitzls-pseudocode-kind "refactor.rewrite.blitzls.pseudocode"
  "The code-action kind of blitzls's \"Convert pseudocode to code\".")

;;;###autoload
(defun blitzls-pseudocode (beg end)
  "Convert the pseudocode between BEG and END to code.
Interactively: the marked lines, or else the block of comment lines around point
\(an empty range, which the server widens to that block)."
  (interactive (if (use-region-p)
                   (list (region-beginning) (region-end))
                 (list (point) (point))))
  (eglot-code-actions beg end blitzls-pseudocode-kind t))

(defun blitzls--uri (file)
  "The LSP URI of FILE."
  (if (fboundp 'eglot-path-to-uri)
      (eglot-path-to-uri file)
    (with-no-warnings (eglot--path-to-uri file))))

(defun blitzls--position (pos)
  "POS as an LSP position in the server's encoding."
  (with-no-warnings (eglot--pos-to-lsp-position pos)))

(defun blitzls--range ()
  "The region, or else an empty range at point (the server widens it to the block)."
  (if (use-region-p)
      (list :start (blitzls--position (region-beginning))
            :end (blitzls--position (region-end)))
    (list :start (blitzls--position (point))
          :end (blitzls--position (point)))))

;;;###autoload
(defun blitzls-edit (instruction)
  "Ask blitzls to edit the region (or the block at point) following INSTRUCTION."
  (interactive (list (read-string "blitzls instruction: ")))
  (let ((server (eglot--current-server-or-lose))
        (instruction (string-trim instruction)))
    (when (string-empty-p instruction)
      (user-error "No instruction given"))
    (unless (buffer-file-name)
      (user-error "This buffer visits no file"))
    (let ((argument (list :uri (blitzls--uri (buffer-file-name))
                          :range (blitzls--range)
                          :instruction instruction)))
      (if (fboundp 'eglot-execute)      ; Eglot 1.16+
          (eglot-execute server (list :title "blitzls: edit" :command "blitzls.edit"
                                      :arguments (vector argument)))
        (with-no-warnings
          (eglot-execute-command server "blitzls.edit" (vector argument)))))))

(provide 'blitzls)
;;; blitzls.el ends here
