// Splits a drawing into the digits it holds, left to right, and preprocesses
// each the MNIST way. Strokes of one digit are grouped; touching digits are
// cut where the classifier is most confident about both halves
// (recognition-driven segmentation), which is why it takes a callback.
#pragma once

#include <array>
#include <functional>
#include <vector>

#include "digits/preprocess.h"

namespace digits {

struct Segment {
  Preprocessed input;  // input.ink: the digit's box on the canvas
  int strokes = 1;     // connected pieces of ink grouped into this digit
  bool cut = false;    // part of its ink was cut away from a touching digit
};

struct Segmentation {
  bool inverted = false;
  std::vector<Segment> digits;  // left to right; empty when nothing is drawn
  int classifier_calls = 0;     // how often segmentation asked the classifier
};

// What the classifier says about one 28x28 input: its label, how sure it is
// (the calibrated top probability) and, when the model has one, how much the
// input looks like a digit at all (fragments of a digit and two touching
// digits look less like one).
struct PartReading {
  int label = -1;
  float confidence = 0;
  float digit_score = 1;
  bool has_digit_score = false;
  bool is_digit = true;  // the digit score is above the model's threshold
};
using ClassifyFn = std::function<PartReading(const std::array<float, kImageSize>&)>;

// What segmentation considered, for diagnosis (benchmarks, tests): which
// group each pixel's ink joined, the groups, and every candidate part it
// scored, chosen or not. Costs nothing when not asked for.
struct SegmentTrace {
  struct Group {
    Box box;
    bool settled = false;  // read whole as one digit surely enough not to be cut
    int seams = 0;         // cut candidates found in it
  };
  struct Part {
    Box box;  // its ink on the canvas
    int label = -1;
    float confidence = 0;
    double score = 0;  // what the dynamic program added up
    bool chosen = false;
    std::array<float, kImageSize> input{};  // what the classifier read
    std::vector<int> pixels;                // its core ink, as canvas indices (y * width + x)
  };
  std::vector<int> group_of_pixel;  // per canvas pixel: its group, -1 for background and specks
  std::vector<Group> groups;        // left to right
  std::vector<Part> parts;
};

// Segmentation asks the classifier at most this often per drawing, whatever
// it holds (a long scribble), so a reading's time is bounded.
constexpr int kMaxClassifierCalls = 400;

// `pixels` is `width` x `height`, values in [0,1], either polarity. A drawing
// that is one digit (one group of strokes) gives exactly preprocess()'s input,
// without calling `classify`; the classifier is asked only where digits are
// close enough to be one, or wide enough to be several.
Segmentation segment(const float* pixels, int width, int height, const ClassifyFn& classify,
                     SegmentTrace* trace = nullptr);

}  // namespace digits
