// A round anti-aliased brush: paints the capsule between two points into a
// grayscale image. The app's canvas draws with it, and the drawn-digit
// evaluation set is rendered with it, so both produce the same strokes.
#pragma once

namespace digits {

// Paints (or, with `erase`, removes) ink along the segment (x0,y0)-(x1,y1)
// with radius `radius` into `pixels` (width x height, values in [0,1]).
// Returns whether any pixel changed.
bool paint_segment(float* pixels, int width, int height, float x0, float y0, float x1, float y1, float radius,
                   bool erase);

}  // namespace digits
