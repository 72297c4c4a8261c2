;;; csp-tidy.el --- csp-tidy's findings in a compilation buffer -*- lexical-binding: t -*-

;; M-x csp-tidy runs csp-tidy on the current file; its findings and notes
;; land in *csp-tidy*, where compilation-mode's own parser reads clang's
;; "file:line:col: warning:" lines, so `next-error' (M-g n) walks them.
;; clangd cannot load clang-tidy plugins: the editor runs the driver itself.
;;
;; Install: put this file on `load-path' and (require 'csp-tidy).
;; Arguments: (setq csp-tidy-arguments '("-p" "build")), or per project in
;; .dir-locals.el. Run on save: (add-hook 'after-save-hook #'csp-tidy nil t)
;; in c++-mode-hook.

;;; Code:

(require 'compile)

(defgroup csp-tidy nil
  "Run csp-tidy, the Go-style concurrency checker for C++."
  :group 'tools)

(defcustom csp-tidy-program "csp-tidy"
  "The csp-tidy binary."
  :type 'string)

(defcustom csp-tidy-arguments nil
  "Arguments after the file, e.g. (\"-p\" \"build\") or (\"--\" \"-std=c++20\")."
  :type '(repeat string))
;;;###autoload (put 'csp-tidy-arguments 'safe-local-variable #'csp-tidy--string-list-p)

(defun csp-tidy--string-list-p (value)
  "Whether VALUE is a list of strings (safe as a directory-local setting)."
  (and (listp value) (seq-every-p #'stringp value)))

(defun csp-tidy-command (file)
  "The shell command that analyses FILE."
  (mapconcat #'shell-quote-argument
             ;; The compilation buffer is a terminal, but its parser wants
             ;; plain "warning:" and "note:" to tell the levels apart.
             (append (list csp-tidy-program "-quiet" "-use-color=false" file)
                     csp-tidy-arguments)
             " "))

;;;###autoload
(defun csp-tidy ()
  "Run csp-tidy on the current file; return the buffer with its findings."
  (interactive)
  (unless buffer-file-name
    (user-error "csp-tidy: this buffer visits no file"))
  (unless (executable-find csp-tidy-program)
    (user-error "csp-tidy: %s not found; set `csp-tidy-program'" csp-tidy-program))
  (compilation-start (csp-tidy-command buffer-file-name) nil
                     (lambda (_mode) "*csp-tidy*")))

(provide 'csp-tidy)
;;; csp-tidy.el ends here
