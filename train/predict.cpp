// `digits predict`: images in, numbers out, through digits::Recognizer.
#include "predict.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>
#include <sstream>

#include "digits/error.h"
#include "digits/model.h"
#include "digits/recognize.h"
#include "image_io.h"

namespace fs = std::filesystem;

namespace digits::train {
namespace {

std::string percent(float p) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100 * p << '%';
  return s.str();
}

// "7 98.1%", or "not a digit (best guess 4, 31.0%)" when the digit score says so.
std::string describe(const DigitReading& d, const char* separator) {
  if (!d.is_digit) return "not a digit (best guess " + std::to_string(d.label) + ", " + percent(d.confidence) + ")";
  return std::to_string(d.label) + separator + percent(d.confidence);
}

nlohmann::json digit_json(const DigitReading& d) {
  return {{"label", d.label},
          {"confidence", d.confidence},
          {"probabilities", d.probabilities},
          {"box", {d.box.x, d.box.y, d.box.width, d.box.height}},
          {"is_digit", d.is_digit},
          {"digit_score", d.digit_score}};
}

void print_json(const std::string& file, const Reading& r) {
  const DigitReading& first = r.digits.front();
  float least_score = 1;
  nlohmann::json digits = nlohmann::json::array();
  for (const DigitReading& d : r.digits) {
    least_score = std::min(least_score, d.digit_score);
    digits.push_back(digit_json(d));
  }
  const nlohmann::json j{{"file", file},
                         {"label", first.label},
                         {"confidence", first.confidence},
                         {"probabilities", first.probabilities},
                         {"number", r.number},
                         {"is_digit", r.all_digits()},
                         {"digit_score", least_score},
                         {"digits", digits}};
  std::cout << j.dump() << '\n';
}

void print_text(const std::string& file, const Reading& r) {
  std::cout << file << ": ";
  if (r.digits.size() == 1) {
    const DigitReading& d = r.digits.front();
    std::cout << (d.is_digit ? std::to_string(d.label) + " (" + percent(d.confidence) + ")" : describe(d, " "));
    for (float v : d.probabilities) std::cout << ' ' << std::fixed << std::setprecision(4) << v;
  } else {
    std::cout << r.number << " (digits";
    for (std::size_t i = 0; i < r.digits.size(); ++i) std::cout << (i ? ", " : " ") << describe(r.digits[i], " ");
    std::cout << ')';
  }
  std::cout << '\n';
}

}  // namespace

std::vector<std::string> image_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    if (!fs::is_directory(p)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(p)) {
      std::string ext = entry.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      if (entry.is_regular_file() && (ext == ".png" || ext == ".pgm")) found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

int predict_command(const std::string& weights, const std::vector<std::string>& paths, bool json) {
  Recognizer recognizer(load_model(weights));
  int failures = 0;
  for (const std::string& file : image_files(paths)) {
    try {
      const GrayImage img = read_gray_image(file);
      std::vector<float> pixels(img.pixels.size());
      std::transform(img.pixels.begin(), img.pixels.end(), pixels.begin(), [](std::uint8_t v) { return v / 255.0f; });
      const Reading r = recognizer.recognize(pixels.data(), img.width, img.height);
      if (r.empty) throw Error(file + ": no digit found (the image is blank)");
      if (json) {
        print_json(file, r);
      } else {
        print_text(file, r);
      }
    } catch (const Error& e) {
      std::cerr << "skipped " << e.what() << '\n';
      ++failures;
    } catch (const std::bad_alloc&) {
      // An image within the size limits can still outgrow a tight memory
      // limit while it is read; the next file may fit.
      std::cerr << "skipped " << file << ": not enough memory to read this image\n";
      ++failures;
    }
  }
  return failures == 0 ? 0 : 2;
}

}  // namespace digits::train
