// What the fixture programs include, precompiled once per build: parsing the
// runtime and the standard headers is most of a fixture's compile time.
#include <csp/csp.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
