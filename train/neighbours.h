// Digits cut out of touching numbers, for training. People's digits touch
// and overlap their neighbours; segmentation then cuts them apart along the
// line through the least ink (core/src/segment.cpp), and what the classifier
// sees is a digit with a sliver of its neighbour at one edge, or a bit of
// itself shaved off. A network that has only seen clean digits reads such a
// part by its fragments. These examples are an MNIST training digit with a
// neighbour touching or overlapping it on one side or both, cut the same way,
// preprocessed like a canvas; the target is the middle digit.
// Seeded: the same generator state gives the same image.
#pragma once

#include <random>

#include "styles.h"

namespace digits::train {

// A random training digit with cut-off neighbours, as the network's 28x28
// input in `out`; its label in `label`. Returns false when the cut left the
// canvas blank (the caller draws another).
bool neighbour_input(const StyleSource& source, std::mt19937& rng, int& label, float* out);

// What segmentation must learn to refuse: a part of a touching number cut
// wrongly, as the network's 28x28 input in `out` (a "not a digit" example,
// trained towards a uniform output). One of
//   two digits left whole together (a cut missed),
//   a digit with a large share (30-75%) of its neighbour's ink (a cut too far),
//   a share (30-70%) of a digit wide enough to be cut (a cut through it).
// Returns false when the cut left the canvas blank (the caller draws another).
bool miscut_input(const StyleSource& source, std::mt19937& rng, float* out);

}  // namespace digits::train
