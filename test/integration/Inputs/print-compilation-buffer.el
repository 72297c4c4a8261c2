;; Runs csp-tidy through csp-tidy.el on the file given in CSP_TIDY_FILE and
;; prints the *csp-tidy* buffer as the user sees it, once the run is over.
(let ((buf (with-current-buffer (find-file-noselect (getenv "CSP_TIDY_FILE"))
             (setq csp-tidy-arguments (split-string (getenv "CSP_TIDY_ARGS")))
             (csp-tidy))))
  (while (process-live-p (get-buffer-process buf))
    (accept-process-output nil 0.1))
  (princ (with-current-buffer buf (buffer-string))))
