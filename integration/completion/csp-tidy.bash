# bash completion for csp-tidy: its options are the ones `csp-tidy --help`
# lists (bash-completion's _longopt reads them from there, so a new option
# needs no change here); other words complete as files.
complete -F _longopt csp-tidy
