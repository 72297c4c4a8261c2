#pragma once
#include <csp/csp.hpp>

inline void add_in_task() {
  csp::wait_group wg;
  csp::go([&] {
    wg.add(1);
    wg.done();
  });
  wg.wait();
}
