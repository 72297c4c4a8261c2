#pragma once
#include <csp/csp.hpp>

inline void drain() {
  csp::wait_group wg;
  csp::go([&] {
    wg.done();
  });
  wg.wait();
}

inline void legacy() {
  csp::wait_group wg;
  csp::go([&] {
    wg.add(1);
    wg.done();
  });
  wg.wait();
}
