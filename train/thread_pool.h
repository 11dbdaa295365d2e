// A persistent pool of worker threads for the training layers. tiny-dnn
// 1.0.0a3 starts new threads (std::async) for every parallel loop of every
// layer call, thousands of times per epoch; this pool starts them once.
// Work is split into fixed contiguous parts, so every run computes the same
// sums in the same order: training stays deterministic for a given seed.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace digits::train {

class ThreadPool {
 public:
  // `threads` counts the calling thread, which always runs part 0.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(part) for every part in [0, size()) and returns when all have
  // finished. Not reentrant: a task must not call run() again.
  void run(const std::function<void(int part)>& task);

  // One pool for the process, as many threads as cores.
  static ThreadPool& shared();

 private:
  void work(int part);

  std::vector<std::thread> workers_;
  const std::function<void(int)>* task_ = nullptr;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
};

// Splits [0, n) into one contiguous range per pool thread (the same ranges
// every time) and calls f(begin, end, part) for each non-empty one. Returns
// how many parts ran: parts 0 .. result - 1.
template <class F>
int parallel_ranges(int n, F&& f, ThreadPool& pool = ThreadPool::shared()) {
  const int parts = std::max(0, std::min(pool.size(), n));
  if (parts <= 1) {
    if (parts == 1) f(0, n, 0);
    return parts;
  }
  pool.run([&](int part) {
    if (part >= parts) return;
    f(n * part / parts, n * (part + 1) / parts, part);
  });
  return parts;
}

}  // namespace digits::train
