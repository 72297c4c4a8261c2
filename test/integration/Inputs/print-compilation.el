;; Runs csp-tidy through csp-tidy.el on the file given in CSP_TIDY_FILE and
;; prints what compilation-mode parsed: file:line:col: level.
(let ((buf (with-current-buffer (find-file-noselect (getenv "CSP_TIDY_FILE"))
             (setq csp-tidy-arguments (split-string (getenv "CSP_TIDY_ARGS")))
             (csp-tidy))))
  (setq compilation-skip-threshold 0) ; notes too
  (while (process-live-p (get-buffer-process buf))
    (accept-process-output nil 0.1))
  (with-current-buffer buf
    (goto-char (point-min))
    (condition-case nil
        (while t
          (compilation-next-error 1)
          (let* ((msg (get-text-property (point) 'compilation-message))
                 (loc (compilation--message->loc msg)))
            (princ (format "%s:%s:%s: %s\n"
                           (file-name-nondirectory
                            (caar (compilation--loc->file-struct loc)))
                           (compilation--loc->line loc)
                           (compilation--loc->col loc)
                           (pcase (compilation--message->type msg)
                             (2 "error") (1 "warning") (_ "note"))))))
      (error nil))))
