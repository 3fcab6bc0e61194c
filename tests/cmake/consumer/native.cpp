// The consumer app's native code.
extern "C" int consumer_answer() { return 42; }
