# cmake -DTOOL=<csp-tidy> -DDOCS=<docs/checks> -DSECTIONS=<roff> -DVERSION=<v>
#       -DOUT=<csp-tidy.1> -P ManPage.cmake
# Writes the man page from the sources users already read: the options and
# their descriptions as `csp-tidy --help` prints them, each check's summary
# (the first paragraph of its page in docs/checks/), and the hand-written
# sections in SECTIONS (exit status, files, see also).
cmake_minimum_required(VERSION 3.20)


function(roff_escape var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  # A line that starts with a dot or a quote would be a request.
  string(REGEX REPLACE "^([.'])" "\\\\&\\1" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

execute_process(COMMAND ${TOOL} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TOOL} --help failed")
endif()
string(REPLACE ";" "<semicolon>" help "${help}")
string(REPLACE "\n" ";" lines "${help}")

set(description "")
set(synopsis "")
set(options "")
set(part overview)
foreach(line IN LISTS lines)
  string(REPLACE "<semicolon>" ";" line "${line}")
  if(line MATCHES "^OVERVIEW: (.*)")
    roff_escape(text "${CMAKE_MATCH_1}")
    string(APPEND description "${text}\n")
  elseif(line MATCHES "^USAGE: (.*)")
    roff_escape(synopsis "${CMAKE_MATCH_1}")
    set(part usage)
  elseif(line MATCHES "^OPTIONS:")
    set(part options)
  elseif(part STREQUAL "overview" AND line MATCHES "^  +(.+)")
    roff_escape(text "${CMAKE_MATCH_1}")
    string(APPEND description ".br\n${text}\n")
  elseif(part STREQUAL "options" AND line MATCHES "^([^ ].*):$")
    string(APPEND options ".SS ${CMAKE_MATCH_1}\n")
  elseif(part STREQUAL "options" AND line MATCHES "^  (-[^ ]+( <[^>]+>)?) +- (.*)")
    roff_escape(flag "${CMAKE_MATCH_1}")
    roff_escape(text "${CMAKE_MATCH_3}")
    string(APPEND options ".TP\n.B ${flag}\n${text}\n")
  elseif(part STREQUAL "options" AND line MATCHES "^    +(.+)")
    roff_escape(text "${CMAKE_MATCH_1}")
    string(APPEND options ".br\n${text}\n")
  endif()
endforeach()

set(checks "")
file(GLOB pages ${DOCS}/*.md)
list(FILTER pages EXCLUDE REGEX "/README\\.md$") # the index, no check's page
foreach(page ${pages})
  get_filename_component(name ${page} NAME_WE)
  file(READ ${page} text)
  string(REGEX MATCH "^[^\n]*\n\n(([^\n]+\n)+)" summary "${text}")
  string(REPLACE "`" "" summary "${CMAKE_MATCH_1}")
  roff_escape(summary "${summary}")
  string(REGEX REPLACE "\n([.'])" "\n\\\\&\\1" summary "${summary}")
  string(APPEND checks ".TP\n.B csp\\-${name}\n${summary}")
endforeach()

file(READ ${SECTIONS} sections)
file(WRITE ${OUT}
".TH CSP-TIDY 1 \"\" \"csp-tidy ${VERSION}\" \"User Commands\"
.SH NAME
csp-tidy \\- Go-style concurrency checks for C++
.SH SYNOPSIS
.B ${synopsis}
.SH DESCRIPTION
${description}.SH OPTIONS
${options}.SH CHECKS
${checks}${sections}")
