// Ctrl-C and SIGTERM: a flag that long waits and transfers check, so the tool
// stops promptly, cleans up its partial files and exits 130.
#pragma once

#include <chrono>

namespace verifysdk {

void install_interrupt_handlers();
bool interrupted() noexcept;
// Throws Error(ExitCode::Interrupted) when a signal arrived.
void throw_if_interrupted();
// Sleeps in short slices so a signal ends the wait at once.
void sleep_interruptibly(std::chrono::milliseconds duration);

} // namespace verifysdk
