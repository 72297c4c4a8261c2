# usage: bash complete.bash <completion file> <word being completed>
# Completes `csp-tidy <word>` as bash-completion does at a prompt and prints
# the candidates, one a line.
. /usr/share/bash-completion/bash_completion
. "$1"
COMP_WORDS=(csp-tidy "$2")
COMP_CWORD=1
COMP_LINE="csp-tidy $2"
COMP_POINT=${#COMP_LINE}
complete_with=$(complete -p csp-tidy | sed -E 's/.*-F ([^ ]+).*/\1/')
"$complete_with" csp-tidy "$2" csp-tidy
printf '%s\n' "${COMPREPLY[@]}"
