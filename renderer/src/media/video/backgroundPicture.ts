/** A picture file the user chose, made small enough to keep in the settings: JPEG, at most 1280×720. */
export async function pictureToDataUrl(file: File, maxWidth = 1280, maxHeight = 720): Promise<string> {
  if (!file.type.startsWith('image/')) throw new Error('choose a picture file (JPEG, PNG, WebP)');
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new Error('that picture could not be read');
  });
  const scale = Math.min(1, maxWidth / bitmap.width, maxHeight / bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.85);
}
