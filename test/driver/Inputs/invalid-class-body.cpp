// Reduced from a fuzzer find: a class the parser gave up on ("truct" for
// "struct", and an include that is missing), with a destructor whose body
// ends the file. Clang's CFG builder crashed on that body; the driver must
// report the file as not compiling, not as an internal error.
#include <csp/csp.hpp>
#include <missing>
truct x {csp::send_chan<int> ch;
~x() { h.c
