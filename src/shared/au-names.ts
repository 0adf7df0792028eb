/**
 * FACS Action Unit names (Ekman, Friesen & Hager, FACS 2002), the codes coders write in
 * CASME II / SAMM sheets. Head (51–58) and eye (61–64) position codes included.
 */
export const AU_NAMES: Readonly<Record<number, string>> = {
  1: 'Inner Brow Raiser',
  2: 'Outer Brow Raiser',
  4: 'Brow Lowerer',
  5: 'Upper Lid Raiser',
  6: 'Cheek Raiser',
  7: 'Lid Tightener',
  8: 'Lips Toward Each Other',
  9: 'Nose Wrinkler',
  10: 'Upper Lip Raiser',
  11: 'Nasolabial Deepener',
  12: 'Lip Corner Puller',
  13: 'Sharp Lip Puller',
  14: 'Dimpler',
  15: 'Lip Corner Depressor',
  16: 'Lower Lip Depressor',
  17: 'Chin Raiser',
  18: 'Lip Pucker',
  19: 'Tongue Show',
  20: 'Lip Stretcher',
  21: 'Neck Tightener',
  22: 'Lip Funneler',
  23: 'Lip Tightener',
  24: 'Lip Pressor',
  25: 'Lips Part',
  26: 'Jaw Drop',
  27: 'Mouth Stretch',
  28: 'Lip Suck',
  29: 'Jaw Thrust',
  30: 'Jaw Sideways',
  31: 'Jaw Clencher',
  32: 'Lip Bite',
  33: 'Cheek Blow',
  34: 'Cheek Puff',
  35: 'Cheek Suck',
  36: 'Tongue Bulge',
  37: 'Lip Wipe',
  38: 'Nostril Dilator',
  39: 'Nostril Compressor',
  41: 'Lid Droop',
  42: 'Slit',
  43: 'Eyes Closed',
  44: 'Squint',
  45: 'Blink',
  46: 'Wink',
  51: 'Head Turn Left',
  52: 'Head Turn Right',
  53: 'Head Up',
  54: 'Head Down',
  55: 'Head Tilt Left',
  56: 'Head Tilt Right',
  57: 'Head Forward',
  58: 'Head Back',
  61: 'Eyes Turn Left',
  62: 'Eyes Turn Right',
  63: 'Eyes Up',
  64: 'Eyes Down',
};

/**
 * Simplified Chinese names of the AUs the describer and the session report name, the same
 * words as the window's AU picker (its zh-CN table).
 */
export const AU_NAMES_ZH: Readonly<Record<number, string>> = {
  1: '内眉上扬',
  2: '外眉上扬',
  4: '眉毛下压',
  5: '上睑提升',
  6: '脸颊上提',
  7: '眼睑收紧',
  9: '皱鼻',
  10: '上唇上提',
  12: '唇角上拉',
  14: '酒窝',
  15: '唇角下压',
  17: '下巴上抬',
  20: '嘴唇横拉',
  24: '嘴唇相压',
  25: '双唇分开',
  45: '眨眼',
};

export function auName(au: number): string | null {
  return AU_NAMES[au] ?? null;
}

/**
 * Action Descriptors (FACS 2002): movements scored without a single muscle basis, written
 * `AD38` (DFME sheets). Their numbers and names are those of the 1978 AUs they replaced.
 */
export const AD_NUMBERS: readonly number[] = [19, 29, 30, 32, 33, 34, 35, 36, 37, 38, 39];

export function adName(ad: number): string | null {
  return AD_NUMBERS.includes(ad) ? (AU_NAMES[ad] ?? null) : null;
}
