// RUN: %check_csp_tidy %s csp-channel-never-closed %t '-config={CheckOptions: {ChannelTypes: "::LockedQueue;::MoveOnlyHandle", ChannelCloseFunctions: "::LockedQueue::close;::MoveOnlyHandle::close"}}'

// Which channel types make a channel where they are declared: one that can
// be neither copied nor moved, also when that follows implicitly from a
// member (a std::mutex); not a move-only handle, which names a channel made
// elsewhere and may be moved to code that closes it.

#include <memory>
#include <mutex>
#include <vector>

void consume(int);

struct LockedQueue {
  std::mutex m;
  std::vector<int> items;
  int *begin();
  int *end();
  void close();
};

void neverClosedQueue() {
  LockedQueue q;
  for (int v : q)
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: range loop over channel 'q', which is never closed; the loop never ends and its task blocks forever [csp-channel-never-closed]
    // CHECK-MESSAGES: :[[@LINE-3]]:15: note: channel 'q' is made here; close it once the last value is sent
    consume(v);
}

class MoveOnlyHandle {
  std::unique_ptr<LockedQueue> q_;

public:
  explicit MoveOnlyHandle(int capacity);
  int *begin();
  int *end();
  void close();
};

void movedHandle() {
  MoveOnlyHandle h(4);
  for (int v : h)
    consume(v);
}
