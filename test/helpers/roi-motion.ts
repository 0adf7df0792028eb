import { ROI_NAMES, type RoiBox } from '@shared/rois';
import { createFlowField } from '../../src/main/inference/flow/types';
import { roiFeatures, type RoiFeature } from '../../src/main/analysis/roi-features';

/**
 * ROI features from a real flow field in which each named region moves by a uniform
 * image-space vector [u, v] (pixels, y down); every other region is still. The 29
 * regions sit on a grid of disjoint 10×10 boxes.
 */
export function featuresFromMotion(motion: Readonly<Record<string, readonly [number, number]>>, faceHeight = 200): RoiFeature[] {
  const cols = 6;
  const size = 10;
  const width = cols * size;
  const height = Math.ceil(ROI_NAMES.length / cols) * size;
  const flow = createFlowField(width, height);
  const plane = width * height;
  const rois: RoiBox[] = ROI_NAMES.map((region, i) => ({ region, box: [(i % cols) * size, Math.floor(i / cols) * size, size, size] }));
  for (const { region, box } of rois) {
    const vector = motion[region];
    if (!vector) continue;
    for (let y = box[1]; y < box[1] + size; y += 1) {
      for (let x = box[0]; x < box[0] + size; x += 1) {
        flow.data[y * width + x] = vector[0];
        flow.data[plane + y * width + x] = vector[1];
      }
    }
  }
  return roiFeatures(flow, rois, faceHeight);
}
