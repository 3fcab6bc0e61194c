// ASCII case folding for protocol text (header names, host names, hex
// digests, file extensions): the same result whatever the process locale.
#pragma once

#include <string>

namespace verifysdk {

inline std::string ascii_lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return text;
}

} // namespace verifysdk
