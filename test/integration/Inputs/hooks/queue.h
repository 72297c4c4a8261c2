#pragma once
#include <csp/csp.hpp>

inline void drain() {
  csp::wait_group wg;
  csp::go([&] {
    wg.done();
  });
  wg.wait();
}
