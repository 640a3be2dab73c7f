<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ClipFrames</name>
    <message>
        <source>Cannot read the picture %1: %2.</source>
        <translation>Cannot read the picture %1: %2.</translation>
    </message>
    <message>
        <source>This build cannot play %1.</source>
        <translation>This build cannot play %1.</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Choose the folder of an official Wan2.1 model (for example Wan-AI/Wan2.1-T2V-1.3B from Hugging Face or ModelScope) that contains every file listed under the model folder field.</source>
        <translation>Choose the folder of an official Wan2.1 model (for example Wan-AI/Wan2.1-T2V-1.3B from Hugging Face or ModelScope) that contains every file listed under the model folder field.</translation>
    </message>
    <message>
        <source>A model file is damaged or incomplete, usually from an interrupted download. Download that file again.</source>
        <translation>A model file is damaged or incomplete, usually from an interrupted download. Download that file again.</translation>
    </message>
    <message>
        <source>Check that the output folder exists, is writable and that the disk is not full (Settings → Output folder).</source>
        <translation>Check that the output folder exists, is writable and that the disk is not full (Settings → Output folder).</translation>
    </message>
    <message>
        <source>Use another input image (PNG, JPEG, WebP or BMP) or save it again with an image editor.</source>
        <translation>Use another input image (PNG, JPEG, WebP or BMP) or save it again with an image editor.</translation>
    </message>
    <message>
        <source>Not enough memory. Try a smaller size, fewer frames, the memory mode “Offload” or “T5 on CPU”, or close other programs.</source>
        <translation>Not enough memory. Try a smaller size, fewer frames, the memory mode “Offload” or “T5 on CPU”, or close other programs.</translation>
    </message>
    <message>
        <source>Check the generation settings: sizes must be multiples of 16 and frame counts 4n+1.</source>
        <translation>Check the generation settings: sizes must be multiples of 16 and frame counts 4n+1.</translation>
    </message>
    <message>
        <source>Check the network connection or turn prompt extension off.</source>
        <translation>Check the network connection or turn prompt extension off.</translation>
    </message>
    <message>
        <source>This is a bug. The log (Help → Open log) has the details; please include it in a report.</source>
        <translation>This is a bug. The log (Help → Open log) has the details; please include it in a report.</translation>
    </message>
    <message>
        <source>Add the LoRA file again in the LoRA list, or remove it from the job.</source>
        <translation>Add the LoRA file again in the LoRA list, or remove it from the job.</translation>
    </message>
    <message>
        <source>Drop the input image (or both frames) on the form.</source>
        <translation>Drop the input image (or both frames) on the form.</translation>
    </message>
    <message>
        <source>Set the LoRA mode to Automatic or On the fly.</source>
        <translation>Set the LoRA mode to Automatic or On the fly.</translation>
    </message>
    <message>
        <source>The job's settings are not valid.</source>
        <translation>The job's settings are not valid.</translation>
    </message>
    <message>
        <source>The model is incomplete or not a Wan2.1 model.</source>
        <translation>The model is incomplete or not a Wan2.1 model.</translation>
    </message>
    <message>
        <source>A model file is damaged.</source>
        <translation>A model file is damaged.</translation>
    </message>
    <message>
        <source>A file could not be read or written.</source>
        <translation>A file could not be read or written.</translation>
    </message>
    <message>
        <source>The input image cannot be used.</source>
        <translation>The input image cannot be used.</translation>
    </message>
    <message>
        <source>There is not enough memory for this job.</source>
        <translation>There is not enough memory for this job.</translation>
    </message>
    <message>
        <source>The job was cancelled.</source>
        <translation>The job was cancelled.</translation>
    </message>
    <message>
        <source>The network request failed.</source>
        <translation>The network request failed.</translation>
    </message>
    <message>
        <source>Something went wrong inside the engine.</source>
        <translation>Something went wrong inside the engine.</translation>
    </message>
    <message>
        <source>The job failed.</source>
        <translation>The job failed.</translation>
    </message>
    <message>
        <source>The number of steps must be between 1 and 1000.</source>
        <translation>The number of steps must be between 1 and 1000.</translation>
    </message>
    <message>
        <source>The shift must be a positive number.</source>
        <translation>The shift must be a positive number.</translation>
    </message>
    <message>
        <source>The guidance must be a finite number.</source>
        <translation>The guidance must be a finite number.</translation>
    </message>
    <message>
        <source>The seed must be 0 or more, or random.</source>
        <translation>The seed must be 0 or more, or random.</translation>
    </message>
    <message>
        <source>Each LoRA needs a file and a finite strength.</source>
        <translation>Each LoRA needs a file and a finite strength.</translation>
    </message>
    <message>
        <source>A LoRA file of this job does not exist.</source>
        <translation>A LoRA file of this job does not exist.</translation>
    </message>
    <message>
        <source>The step cache threshold must be a finite number.</source>
        <translation>The step cache threshold must be a finite number.</translation>
    </message>
    <message>
        <source>The GPU memory budget must be between 0.5 and 4096 GiB.</source>
        <translation>The GPU memory budget must be between 0.5 and 4096 GiB.</translation>
    </message>
    <message>
        <source>The size is out of range: each side must be between 1 and 8192 pixels.</source>
        <translation>The size is out of range: each side must be between 1 and 8192 pixels.</translation>
    </message>
    <message>
        <source>Width and height must be multiples of 16.</source>
        <translation>Width and height must be multiples of 16.</translation>
    </message>
    <message>
        <source>The size is too small for this task.</source>
        <translation>The size is too small for this task.</translation>
    </message>
    <message>
        <source>The frame count does not fit: videos take 4n+1 frames (5, 9, …, 81), images one.</source>
        <translation>The frame count does not fit: videos take 4n+1 frames (5, 9, …, 81), images one.</translation>
    </message>
    <message>
        <source>There are more frames than the maximum of %1: make longer videos in parts.</source>
        <translation>There are more frames than the maximum of %1: make longer videos in parts.</translation>
    </message>
    <message>
        <source>The job has no file or folder to write its result to.</source>
        <translation>The job has no file or folder to write its result to.</translation>
    </message>
    <message>
        <source>The job holds an input file that its task does not take.</source>
        <translation>The job holds an input file that its task does not take.</translation>
    </message>
    <message>
        <source>The VACE context scale must be a finite number.</source>
        <translation>The VACE context scale must be a finite number.</translation>
    </message>
    <message>
        <source>An input image is missing.</source>
        <translation>An input image is missing.</translation>
    </message>
    <message>
        <source>First &amp; last frame to video needs at least 5 frames.</source>
        <translation>First &amp; last frame to video needs at least 5 frames.</translation>
    </message>
    <message>
        <source>A PNG holds one frame: save videos as MP4.</source>
        <translation>A PNG holds one frame: save videos as MP4.</translation>
    </message>
    <message>
        <source>The frame rate must be between 1 and 240 fps.</source>
        <translation>The frame rate must be between 1 and 240 fps.</translation>
    </message>
    <message>
        <source>LoRAs cannot be merged into a model that is streamed block by block.</source>
        <translation>LoRAs cannot be merged into a model that is streamed block by block.</translation>
    </message>
    <message>
        <source>The settings file is not valid JSON.</source>
        <translation>The settings file is not valid JSON.</translation>
    </message>
    <message>
        <source>The settings file holds a key this version does not know.</source>
        <translation>The settings file holds a key this version does not know.</translation>
    </message>
    <message>
        <source>The settings file holds a value that is not valid.</source>
        <translation>The settings file holds a value that is not valid.</translation>
    </message>
    <message>
        <source>The settings file was written by a newer version of Wan Studio.</source>
        <translation>The settings file was written by a newer version of Wan Studio.</translation>
    </message>
    <message>
        <source>Details: %1</source>
        <translation>Details: %1</translation>
    </message>
    <message>
        <source>The chosen part of the input image does not fit in it: frame the image again.</source>
        <translation>The chosen part of the input image does not fit in it: frame the image again.</translation>
    </message>
</context>
<context>
    <name>ExportFile</name>
    <message>
        <source>%1 is the job's own file: choose another name or folder.</source>
        <translation>%1 is the job's own file: choose another name or folder.</translation>
    </message>
    <message>
        <source>Could not read %1: %2.</source>
        <translation>Could not read %1: %2.</translation>
    </message>
    <message>
        <source>Could not write %1: %2.</source>
        <translation>Could not write %1: %2.</translation>
    </message>
</context>
<context>
    <name>GalleryModel</name>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>Cannot read %1: %2.</translation>
    </message>
    <message>
        <source>%1 is not a settings file of Wan Studio (it is not a JSON object).</source>
        <translation>%1 is not a settings file of Wan Studio (it is not a JSON object).</translation>
    </message>
    <message>
        <source>Cannot read the picture %1: %2.</source>
        <translation>Cannot read the picture %1: %2.</translation>
    </message>
    <message>
        <source>%1 was not made by Wan Studio: it carries no generation settings. Drop a video or picture that Wan Studio made, or the settings.json from its job folder.</source>
        <translation>%1 was not made by Wan Studio: it carries no generation settings. Drop a video or picture that Wan Studio made, or the settings.json from its job folder.</translation>
    </message>
    <message>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 does not exist or is not a file.</translation>
    </message>
    <message>
        <source>%1 holds settings Wan Studio cannot read: %2</source>
        <translation>%1 holds settings Wan Studio cannot read: %2</translation>
    </message>
    <message>
        <source>%1 is not a result of Wan Studio: drop an MP4 or PNG it made, or a settings.json.</source>
        <translation>%1 is not a result of Wan Studio: drop an MP4 or PNG it made, or a settings.json.</translation>
    </message>
    <message>
        <source>This build cannot read video metadata; drop the settings.json from the job folder of %1.</source>
        <translation>This build cannot read video metadata; drop the settings.json from the job folder of %1.</translation>
    </message>
</context>
<context>
    <name>GenerationWarnings</name>
    <message>
        <source>The %1 model was not trained at %2×%3 (it knows %4): the video may come out distorted or repeated.</source>
        <translation>The %1 model was not trained at %2×%3 (it knows %4): the video may come out distorted or repeated.</translation>
    </message>
    <message>
        <source>The %1 model was trained on clips of up to %2 frames: at %3 the motion may loop or lose coherence. Longer videos come out better in parts.</source>
        <translation>The %1 model was trained on clips of up to %2 frames: at %3 the motion may loop or lose coherence. Longer videos come out better in parts.</translation>
    </message>
</context>
<context>
    <name>ImageInput</name>
    <message>
        <source>%1 is not a supported image. Use a PNG, JPEG, WebP or BMP file.</source>
        <translation>%1 is not a supported image. Use a PNG, JPEG, WebP or BMP file.</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 does not exist.</translation>
    </message>
    <message>
        <source>This system cannot read %1 images: install the Qt image format plugins (Debian: qt6-image-formats-plugins) or convert %2 to PNG.</source>
        <translation>This system cannot read %1 images: install the Qt image format plugins (Debian: qt6-image-formats-plugins) or convert %2 to PNG.</translation>
    </message>
    <message>
        <source>%1 could not be read as an image (%2). The file may be damaged.</source>
        <translation>%1 could not be read as an image (%2). The file may be damaged.</translation>
    </message>
    <message>
        <source>Nothing to use here.</source>
        <translation>Nothing to use here.</translation>
    </message>
    <message>
        <source>Only image files can be used here (PNG, JPEG, WebP, BMP). For an image on a web page, save it first or drag the picture itself.</source>
        <translation>Only image files can be used here (PNG, JPEG, WebP, BMP). For an image on a web page, save it first or drag the picture itself.</translation>
    </message>
    <message>
        <source>This is not an image. Drop or paste a PNG, JPEG, WebP or BMP image.</source>
        <translation>This is not an image. Drop or paste a PNG, JPEG, WebP or BMP image.</translation>
    </message>
</context>
<context>
    <name>InferenceWorker</name>
    <message>
        <source>Out of memory.</source>
        <translation>Out of memory.</translation>
    </message>
    <message>
        <source>Unknown error in the engine.</source>
        <translation>Unknown error in the engine.</translation>
    </message>
</context>
<context>
    <name>JobInputs</name>
    <message>
        <source>Could not create the folder %1 for the job's input pictures. Check that the disk is writable.</source>
        <translation>Could not create the folder %1 for the job's input pictures. Check that the disk is writable.</translation>
    </message>
    <message>
        <source>Could not create a folder in %1 for the job's input pictures. Check that the disk is writable.</source>
        <translation>Could not create a folder in %1 for the job's input pictures. Check that the disk is writable.</translation>
    </message>
    <message>
        <source>Could not copy %1 into the job's input folder %2. Check that the picture still exists and the disk has free space.</source>
        <translation>Could not copy %1 into the job's input folder %2. Check that the picture still exists and the disk has free space.</translation>
    </message>
</context>
<context>
    <name>JobState</name>
    <message>
        <source>Queued</source>
        <translation>Queued</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Running</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
</context>
<context>
    <name>MemoryPlan</name>
    <message>
        <source>text encoder on the processor</source>
        <translation>text encoder on the processor</translation>
    </message>
    <message>
        <source>models moved off the GPU between stages</source>
        <translation>models moved off the GPU between stages</translation>
    </message>
    <message>
        <source>DiT streamed block by block</source>
        <translation>DiT streamed block by block</translation>
    </message>
    <message>
        <source>every model on the GPU</source>
        <translation>every model on the GPU</translation>
    </message>
    <message>
        <source>video decoded in tiles</source>
        <translation>video decoded in tiles</translation>
    </message>
    <message>
        <source>GPU %1: %2.</source>
        <translation>GPU %1: %2.</translation>
    </message>
    <message>
        <source>About %1 GB of GPU memory, of %2 GB it may use.</source>
        <translation>About %1 GB of GPU memory, of %2 GB it may use.</translation>
    </message>
    <message>
        <source>About %1 GB of GPU memory (free memory unknown).</source>
        <translation>About %1 GB of GPU memory (free memory unknown).</translation>
    </message>
    <message>
        <source>Processor.</source>
        <translation>Processor.</translation>
    </message>
    <message>
        <source>Processor: %1.</source>
        <translation>Processor: %1.</translation>
    </message>
    <message>
        <source>About %1 GB of system memory, of %2 GB free.</source>
        <translation>About %1 GB of system memory, of %2 GB free.</translation>
    </message>
    <message>
        <source>About %1 GB of system memory.</source>
        <translation>About %1 GB of system memory.</translation>
    </message>
    <message>
        <source>It would not fit: %1</source>
        <translation>It would not fit: %1</translation>
    </message>
    <message>
        <source>video decoded in tiles of %1 pixels</source>
        <translation>video decoded in tiles of %1 pixels</translation>
    </message>
</context>
<context>
    <name>QueueRunner</name>
    <message>
        <source>Could not create the job folder %1.</source>
        <translation>Could not create the job folder %1.</translation>
    </message>
    <message>
        <source>Could not write %1: %2.</source>
        <translation>Could not write %1: %2.</translation>
    </message>
</context>
<context>
    <name>QueueStore</name>
    <message>
        <source>Could not save the render queue to %1: %2. Check that the disk is not full and the folder is writable.</source>
        <translation>Could not save the render queue to %1: %2. Check that the disk is not full and the folder is writable.</translation>
    </message>
    <message>
        <source>the file is damaged (%1 at byte %2), probably written only in part</source>
        <translation>the file is damaged (%1 at byte %2), probably written only in part</translation>
    </message>
    <message>
        <source>the file is not a Wan Studio queue</source>
        <translation>the file is not a Wan Studio queue</translation>
    </message>
    <message>
        <source>the file was written by a newer version of Wan Studio</source>
        <translation>the file was written by a newer version of Wan Studio</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) could not be read</source>
        <translation><numerusform>%n job(s) could not be read</numerusform><numerusform>%n job(s) could not be read</numerusform></translation>
    </message>
    <message>
        <source>The render queue file could not be fully read (%1). It was kept as %2.</source>
        <translation>The render queue file could not be fully read (%1). It was kept as %2.</translation>
    </message>
    <message>
        <source>The render queue file %1 could not be fully read (%2).</source>
        <translation>The render queue file %1 could not be fully read (%2).</translation>
    </message>
    <message>
        <source>The render queue is not saved: %1 could not be read nor moved aside, and saving would replace it.</source>
        <translation>The render queue is not saved: %1 could not be read nor moved aside, and saving would replace it.</translation>
    </message>
    <message>
        <source>the file cannot be read: %1</source>
        <translation>the file cannot be read: %1</translation>
    </message>
    <message>
        <source>the file cannot be opened: %1</source>
        <translation>the file cannot be opened: %1</translation>
    </message>
</context>
<context>
    <name>SetupAdvisor</name>
    <message>
        <source>No NVIDIA GPU was found, so start with the built-in demo model, which makes a short clip on the processor in seconds; a real Wan model would take hours per video here.</source>
        <translation>No NVIDIA GPU was found, so start with the built-in demo model, which makes a short clip on the processor in seconds; a real Wan model would take hours per video here.</translation>
    </message>
    <message>
        <source>No NVIDIA GPU was found: the smallest model, text to video 1.3B, is recommended, but on the processor one video takes hours.</source>
        <translation>No NVIDIA GPU was found: the smallest model, text to video 1.3B, is recommended, but on the processor one video takes hours.</translation>
    </message>
    <message>
        <source>With %1 of GPU memory only the 1.3B model can run, with each model on the GPU only for its stage and the text encoder on the processor; keep to 480P and expect it to be tight.</source>
        <translation>With %1 of GPU memory only the 1.3B model can run, with each model on the GPU only for its stage and the text encoder on the processor; keep to 480P and expect it to be tight.</translation>
    </message>
    <message>
        <source>The 1.3B model needs about 8 GB at 480P with each model on the GPU only for its stage and the text encoder on the processor, which fits the %1 of this GPU.</source>
        <translation>The 1.3B model needs about 8 GB at 480P with each model on the GPU only for its stage and the text encoder on the processor, which fits the %1 of this GPU.</translation>
    </message>
    <message>
        <source>With %1 the 1.3B model's DiT and VAE stay on the GPU while the 11 GB text encoder runs on the processor, the fastest setup that fits.</source>
        <translation>With %1 the 1.3B model's DiT and VAE stay on the GPU while the 11 GB text encoder runs on the processor, the fastest setup that fits.</translation>
    </message>
    <message>
        <source>A 4-bit GGUF of the 14B model (about 10 GB) gives 14B quality within %1 when each model is on the GPU only for its stage.</source>
        <translation>A 4-bit GGUF of the 14B model (about 10 GB) gives 14B quality within %1 when each model is on the GPU only for its stage.</translation>
    </message>
    <message>
        <source>The 14B model in fp8 (about 14 GB) fits the %1 of this GPU with each model on the GPU only for its stage.</source>
        <translation>The 14B model in fp8 (about 14 GB) fits the %1 of this GPU with each model on the GPU only for its stage.</translation>
    </message>
    <message>
        <source>With %1 of GPU memory the official 14B model keeps every part on the GPU for the fastest runs.</source>
        <translation>With %1 of GPU memory the official 14B model keeps every part on the GPU for the fastest runs.</translation>
    </message>
    <message>
        <source>Only %1 is free on the drive of the models folder but the download needs about %2: free some space or choose another models folder.</source>
        <translation>Only %1 is free on the drive of the models folder but the download needs about %2: free some space or choose another models folder.</translation>
    </message>
    <message>
        <source>no NVIDIA GPU</source>
        <translation>no NVIDIA GPU</translation>
    </message>
    <message>
        <source>%1 with %2</source>
        <translation>%1 with %2</translation>
    </message>
    <message>
        <source>%1 with %2 (and %3 more GPUs)</source>
        <translation>%1 with %2 (and %3 more GPUs)</translation>
    </message>
    <message>
        <source>%1; %2 of memory; %3 free for models</source>
        <translation>%1; %2 of memory; %3 free for models</translation>
    </message>
    <message>
        <source>everything on the GPU</source>
        <translation>everything on the GPU</translation>
    </message>
    <message>
        <source>text encoder on the processor</source>
        <translation>text encoder on the processor</translation>
    </message>
    <message>
        <source>each model on the GPU only for its stage</source>
        <translation>each model on the GPU only for its stage</translation>
    </message>
    <message>
        <source>offload, text encoder on the processor</source>
        <translation>offload, text encoder on the processor</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatic</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Add the form's job to the queue</source>
        <translation>Add the form's job to the queue</translation>
    </message>
    <message>
        <source>Export the selected or shown result</source>
        <translation>Export the selected or shown result</translation>
    </message>
    <message>
        <source>Paste an image as the first frame</source>
        <translation>Paste an image as the first frame</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Show the keyboard shortcuts</source>
        <translation>Show the keyboard shortcuts</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>Pause or resume the queue</translation>
    </message>
    <message>
        <source>Move the selected job up</source>
        <translation>Move the selected job up</translation>
    </message>
    <message>
        <source>Move the selected job down</source>
        <translation>Move the selected job down</translation>
    </message>
    <message>
        <source>Remove the selected job</source>
        <translation>Remove the selected job</translation>
    </message>
    <message>
        <source>Retry the selected failed or cancelled job</source>
        <translation>Retry the selected failed or cancelled job</translation>
    </message>
    <message>
        <source>Play or pause</source>
        <translation>Play or pause</translation>
    </message>
    <message>
        <source>One frame back</source>
        <translation>One frame back</translation>
    </message>
    <message>
        <source>One frame forward</source>
        <translation>One frame forward</translation>
    </message>
    <message>
        <source>Loop on or off</source>
        <translation>Loop on or off</translation>
    </message>
    <message>
        <source>Open the selected result in the player</source>
        <translation>Open the selected result in the player</translation>
    </message>
    <message>
        <source>Move the selected result to the trash</source>
        <translation>Move the selected result to the trash</translation>
    </message>
    <message>
        <source>Search the gallery's prompts</source>
        <translation>Search the gallery's prompts</translation>
    </message>
    <message>
        <source>Render queue</source>
        <translation>Render queue</translation>
    </message>
    <message>
        <source>Player</source>
        <translation>Player</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Gallery</translation>
    </message>
    <message>
        <source>Anywhere</source>
        <translation>Anywhere</translation>
    </message>
</context>
<context>
    <name>SourceFrames</name>
    <message>
        <source>Cannot read the video %1: %2</source>
        <translation>Cannot read the video %1: %2</translation>
    </message>
    <message>
        <source>Cannot read the frame %1 (%2). Replace it with a readable PNG file.</source>
        <translation>Cannot read the frame %1 (%2). Replace it with a readable PNG file.</translation>
    </message>
    <message>
        <source>%1 does not exist. Choose a video file or a folder of PNG frames.</source>
        <translation>%1 does not exist. Choose a video file or a folder of PNG frames.</translation>
    </message>
    <message>
        <source>The folder %1 holds no PNG frames (*.png). Choose a folder of numbered PNG frames or a video file.</source>
        <translation>The folder %1 holds no PNG frames (*.png). Choose a folder of numbered PNG frames or a video file.</translation>
    </message>
    <message>
        <source>This build cannot decode the video %1. Export its frames as PNG files into a folder and choose the folder.</source>
        <translation>This build cannot decode the video %1. Export its frames as PNG files into a folder and choose the folder.</translation>
    </message>
    <message>
        <source>The video %1 holds no readable frames. Choose another video or a folder of PNG frames.</source>
        <translation>The video %1 holds no readable frames. Choose another video or a folder of PNG frames.</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>Text to video</source>
        <translation>Text to video</translation>
    </message>
    <message>
        <source>Image to video</source>
        <translation>Image to video</translation>
    </message>
    <message>
        <source>Text to image</source>
        <translation>Text to image</translation>
    </message>
    <message>
        <source>First &amp; last frame to video</source>
        <translation>First &amp; last frame to video</translation>
    </message>
    <message>
        <source>Video editing (VACE)</source>
        <translation>Video editing (VACE)</translation>
    </message>
</context>
<context>
    <name>Variations</name>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>Shift</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>"%1" is not a number.</source>
        <translation>"%1" is not a number.</translation>
    </message>
    <message>
        <source>Choose between %1 and %2 seeds.</source>
        <translation>Choose between %1 and %2 seeds.</translation>
    </message>
    <message>
        <source>A value is listed twice; list each value once.</source>
        <translation>A value is listed twice; list each value once.</translation>
    </message>
    <message>
        <source>List two or more values for guidance, shift or steps.</source>
        <translation>List two or more values for guidance, shift or steps.</translation>
    </message>
    <message>
        <source>%1 combinations: a grid holds at most %2. List fewer values.</source>
        <translation>%1 combinations: a grid holds at most %2. List fewer values.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>random</source>
        <translation>random</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Could not move %1 to the trash; that job was kept.</source>
        <translation>Could not move %1 to the trash; that job was kept.</translation>
    </message>
</context>
<context>
    <name>VideoExport</name>
    <message>
        <source>Could not export %1: %2</source>
        <translation>Could not export %1: %2</translation>
    </message>
    <message>
        <source>retimed, no new frames: plays %1× as fast</source>
        <translation>retimed, no new frames: plays %1× as fast</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message numerus="yes">
        <source>%n job(s) were running when Wan Studio stopped and are queued again (%1 will only be decoded from their saved latents). The queue is paused: press “Resume queue” to go on.</source>
        <translation><numerusform>%n job(s) were running when Wan Studio stopped and are queued again (%1 will only be decoded from their saved latents). The queue is paused: press “Resume queue” to go on.</numerusform><numerusform>%n job(s) were running when Wan Studio stopped and are queued again (%1 will only be decoded from their saved latents). The queue is paused: press “Resume queue” to go on.</numerusform></translation>
    </message>
    <message>
        <source>Wan Studio is already running for this user (its data folder %1 is in use). Switch to the open window, or close it first.</source>
        <translation>Wan Studio is already running for this user (its data folder %1 is in use). Switch to the open window, or close it first.</translation>
    </message>
    <message>
        <source>Wan Studio</source>
        <translation>Wan Studio</translation>
    </message>
</context>
<context>
    <name>wan::ui</name>
    <message>
        <source>No output folder is set: choose one in Settings.</source>
        <translation>No output folder is set: choose one in Settings.</translation>
    </message>
    <message>
        <source>The output folder %1 is a file, not a folder: choose another output folder in Settings.</source>
        <translation>The output folder %1 is a file, not a folder: choose another output folder in Settings.</translation>
    </message>
    <message>
        <source>The output folder %1 cannot be created: %2 is a file. Choose another output folder in Settings.</source>
        <translation>The output folder %1 cannot be created: %2 is a file. Choose another output folder in Settings.</translation>
    </message>
    <message>
        <source>The output folder %1 is not writable: choose another output folder in Settings, or allow writing to it.</source>
        <translation>The output folder %1 is not writable: choose another output folder in Settings, or allow writing to it.</translation>
    </message>
    <message>
        <source>The output folder %1 cannot be created: %2 is not writable. Choose another output folder in Settings.</source>
        <translation>The output folder %1 cannot be created: %2 is not writable. Choose another output folder in Settings.</translation>
    </message>
    <message>
        <source>H.264 MP4</source>
        <translation>H.264 MP4</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 video (*.mp4)</translation>
    </message>
    <message>
        <source>H.265 MP4</source>
        <translation>H.265 MP4</translation>
    </message>
    <message>
        <source>VP9 WebM</source>
        <translation>VP9 WebM</translation>
    </message>
    <message>
        <source>WebM video (*.webm)</source>
        <translation>WebM video (*.webm)</translation>
    </message>
    <message>
        <source>FFV1 MKV (lossless)</source>
        <translation>FFV1 MKV (lossless)</translation>
    </message>
    <message>
        <source>Matroska video (*.mkv)</source>
        <translation>Matroska video (*.mkv)</translation>
    </message>
    <message>
        <source>GIF (256 colours)</source>
        <translation>GIF (256 colours)</translation>
    </message>
    <message>
        <source>GIF animation (*.gif)</source>
        <translation>GIF animation (*.gif)</translation>
    </message>
    <message>
        <source>PNG sequence (a folder)</source>
        <translation>PNG sequence (a folder)</translation>
    </message>
</context>
<context>
    <name>wan::ui::ClipPickerDialog</name>
    <message>
        <source>Bridge two clips</source>
        <translation>Bridge two clips</translation>
    </message>
    <message>
        <source>The new clip starts on the last frame of the clip shown and ends on the first frame of the clip you pick:</source>
        <translation>The new clip starts on the last frame of the clip shown and ends on the first frame of the clip you pick:</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>wan::ui::ExportDialog</name>
    <message>
        <source>Export as</source>
        <translation>Export as</translation>
    </message>
    <message>
        <source>%1 — not in this build</source>
        <translation>%1 — not in this build</translation>
    </message>
    <message>
        <source>The FFmpeg this copy of Wan Studio runs with has no encoder for %1.</source>
        <translation>The FFmpeg this copy of Wan Studio runs with has no encoder for %1.</translation>
    </message>
    <message>
        <source>%1 fps (as generated)</source>
        <translation>%1 fps (as generated)</translation>
    </message>
    <message>
        <source>%1 fps (%2)</source>
        <translation>%1 fps (%2)</translation>
    </message>
    <message>
        <source>Other rates show the same frames faster: this build makes no new frames (no frame interpolation yet).</source>
        <translation>Other rates show the same frames faster: this build makes no new frames (no frame interpolation yet).</translation>
    </message>
    <message>
        <source>Lossless (FFV1 MKV: the frames exactly)</source>
        <translation>Lossless (FFV1 MKV: the frames exactly)</translation>
    </message>
    <message>
        <source>Include the prompt, seed and settings (JSON)</source>
        <translation>Include the prompt, seed and settings (JSON)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Frame rate:</source>
        <translation>Frame rate:</translation>
    </message>
    <message>
        <source>Quality:</source>
        <translation>Quality:</translation>
    </message>
    <message>
        <source>Metadata:</source>
        <translation>Metadata:</translation>
    </message>
    <message>
        <source>Save to:</source>
        <translation>Save to:</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>Source: %1</translation>
    </message>
    <message>
        <source>Plays everywhere. Lower CRF: better and larger.</source>
        <translation>Plays everywhere. Lower CRF: better and larger.</translation>
    </message>
    <message>
        <source>About half the size of H.264 at the same quality; not every player has it.</source>
        <translation>About half the size of H.264 at the same quality; not every player has it.</translation>
    </message>
    <message>
        <source>For the web. Lower CRF: better and larger.</source>
        <translation>For the web. Lower CRF: better and larger.</translation>
    </message>
    <message>
        <source>Lossless: the decoded frames exactly, for editing. Large.</source>
        <translation>Lossless: the decoded frames exactly, for editing. Large.</translation>
    </message>
    <message>
        <source>256 colours, loops; no settings stored.</source>
        <translation>256 colours, loops; no settings stored.</translation>
    </message>
    <message>
        <source>A folder of numbered PNG frames, each with the settings.</source>
        <translation>A folder of numbered PNG frames, each with the settings.</translation>
    </message>
    <message>
        <source>GIF files hold no settings.</source>
        <translation>GIF files hold no settings.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>CRF %1</source>
        <translation>CRF %1</translation>
    </message>
    <message>
        <source>lossless</source>
        <translation>lossless</translation>
    </message>
    <message>
        <source>256 colours</source>
        <translation>256 colours</translation>
    </message>
    <message>
        <source>Folder to put the PNG sequence in</source>
        <translation>Folder to put the PNG sequence in</translation>
    </message>
    <message>
        <source>Choose where to save the export.</source>
        <translation>Choose where to save the export.</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>Exporting to %1…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exported to %1</translation>
    </message>
    <message>
        <source>Export cancelled: nothing was written.</source>
        <translation>Export cancelled: nothing was written.</translation>
    </message>
    <message>
        <source>Lossless (%1 in 4:4:4: exact, large; not every player has it)</source>
        <translation>Lossless (%1 in 4:4:4: exact, large; not every player has it)</translation>
    </message>
    <message>
        <source>%p% (frame %v of %m)</source>
        <translation>%p% (frame %v of %m)</translation>
    </message>
</context>
<context>
    <name>wan::ui::FirstRunWizard</name>
    <message>
        <source>Welcome to Wan Studio</source>
        <translation>Welcome to Wan Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;Let's get a model to make videos with.&lt;/b&gt;&lt;br&gt;Wan Studio looked at this computer and suggests a model that fits it.</source>
        <translation>&lt;b&gt;Let's get a model to make videos with.&lt;/b&gt;&lt;br&gt;Wan Studio looked at this computer and suggests a model that fits it.</translation>
    </message>
    <message>
        <source>Checking this computer…</source>
        <translation>Checking this computer…</translation>
    </message>
    <message>
        <source>Download the recommended model</source>
        <translation>Download the recommended model</translation>
    </message>
    <message>
        <source>I already have the files…</source>
        <translation>I already have the files…</translation>
    </message>
    <message>
        <source>Use the built-in demo model</source>
        <translation>Use the built-in demo model</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Not now</translation>
    </message>
    <message>
        <source>Folder with the Wan2.1 model files</source>
        <translation>Folder with the Wan2.1 model files</translation>
    </message>
    <message>
        <source>This computer: %1.</source>
        <translation>This computer: %1.</translation>
    </message>
    <message>
        <source>Recommended: &lt;b&gt;the built-in demo model&lt;/b&gt;.</source>
        <translation>Recommended: &lt;b&gt;the built-in demo model&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>Recommended: &lt;b&gt;%1&lt;/b&gt; (about %2), memory mode: %3.</source>
        <translation>Recommended: &lt;b&gt;%1&lt;/b&gt; (about %2), memory mode: %3.</translation>
    </message>
    <message>
        <source>Download %1 anyway</source>
        <translation>Download %1 anyway</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>Download %1</translation>
    </message>
</context>
<context>
    <name>wan::ui::FramingDialog</name>
    <message>
        <source>Frame the image</source>
        <translation>Frame the image</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Whole image</source>
        <translation>Whole image</translation>
    </message>
    <message>
        <source>Use the whole image: the video takes its aspect ratio</source>
        <translation>Use the whole image: the video takes its aspect ratio</translation>
    </message>
    <message>
        <source>The bright box is what the video shows, in the aspect ratio of the chosen size. Drag it to move it; use the mouse wheel, a corner or the slider to make it larger or smaller.</source>
        <translation>The bright box is what the video shows, in the aspect ratio of the chosen size. Drag it to move it; use the mouse wheel, a corner or the slider to make it larger or smaller.</translation>
    </message>
    <message>
        <source>Output %1×%2 from the whole image (%3×%4)</source>
        <translation>Output %1×%2 from the whole image (%3×%4)</translation>
    </message>
    <message>
        <source>Output %1×%2 from a crop of %3×%4 at (%5, %6)</source>
        <translation>Output %1×%2 from a crop of %3×%4 at (%5, %6)</translation>
    </message>
</context>
<context>
    <name>wan::ui::GalleryDock</name>
    <message>
        <source>Finished results show here.</source>
        <translation>Finished results show here.</translation>
    </message>
    <message>
        <source>No result's prompt contains “%1”.</source>
        <translation>No result's prompt contains “%1”.</translation>
    </message>
    <message>
        <source>Select a result to see its settings.</source>
        <translation>Select a result to see its settings.</translation>
    </message>
    <message>
        <source>Delete result</source>
        <translation>Delete result</translation>
    </message>
    <message>
        <source>Move this result's folder to the trash?

%1

The video, its settings and its log go with it; the job leaves the render queue.</source>
        <translation>Move this result's folder to the trash?

%1

The video, its settings and its log go with it; the job leaves the render queue.</translation>
    </message>
    <message>
        <source>Moved %1 to the trash.</source>
        <translation>Moved %1 to the trash.</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Gallery</translation>
    </message>
    <message>
        <source>Search prompts</source>
        <translation>Search prompts</translation>
    </message>
    <message>
        <source>Load settings</source>
        <translation>Load settings</translation>
    </message>
    <message>
        <source>Put this result's settings into the form</source>
        <translation>Put this result's settings into the form</translation>
    </message>
    <message>
        <source>Load settings: everything (same seed)</source>
        <translation>Load settings: everything (same seed)</translation>
    </message>
    <message>
        <source>Load settings: prompt only</source>
        <translation>Load settings: prompt only</translation>
    </message>
    <message>
        <source>Load settings: all but the seed</source>
        <translation>Load settings: all but the seed</translation>
    </message>
    <message>
        <source>Last frame as I2V image</source>
        <translation>Last frame as I2V image</translation>
    </message>
    <message>
        <source>Use the video's last frame as the first frame of an image-to-video job</source>
        <translation>Use the video's last frame as the first frame of an image-to-video job</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Move the result's folder to the trash (asks first)</source>
        <translation>Move the result's folder to the trash (asks first)</translation>
    </message>
    <message>
        <source>Move this result's folder to the trash?

%1

The video, its settings and its log go with it.</source>
        <translation>Move this result's folder to the trash?

%1

The video, its settings and its log go with it.</translation>
    </message>
    <message>
        <source>Variations…</source>
        <translation>Variations…</translation>
    </message>
    <message>
        <source>Queue several seeds, or a grid of guidance, shift and steps, of this result's settings as one group</source>
        <translation>Queue several seeds, or a grid of guidance, shift and steps, of this result's settings as one group</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Read the output folder again for results made earlier or elsewhere</source>
        <translation>Read the output folder again for results made earlier or elsewhere</translation>
    </message>
</context>
<context>
    <name>wan::ui::GalleryModel</name>
    <message>
        <source>Your prompt: %1</source>
        <translation>Your prompt: %1</translation>
    </message>
    <message>
        <source>%1 · %2×%3 · %4 frames</source>
        <translation>%1 · %2×%3 · %4 frames</translation>
    </message>
    <message>
        <source>Seed %1 · %2 steps · shift %3 · guidance %4</source>
        <translation>Seed %1 · %2 steps · shift %3 · guidance %4</translation>
    </message>
    <message>
        <source>Finished %1 in %2 s</source>
        <translation>Finished %1 in %2 s</translation>
    </message>
    <message>
        <source>That result is no longer in the gallery.</source>
        <translation>That result is no longer in the gallery.</translation>
    </message>
    <message>
        <source>%1 is not in a job folder made by Wan Studio; it was left alone.</source>
        <translation>%1 is not in a job folder made by Wan Studio; it was left alone.</translation>
    </message>
    <message>
        <source>Could not move %1 to the trash. Check that the folder is writable; on some drives there is no trash.</source>
        <translation>Could not move %1 to the trash. Check that the folder is writable; on some drives there is no trash.</translation>
    </message>
    <message>
        <source>Variation %1 of %2 (%3), kept</source>
        <translation>Variation %1 of %2 (%3), kept</translation>
    </message>
    <message>
        <source>Variation %1 of %2 (%3)</source>
        <translation>Variation %1 of %2 (%3)</translation>
    </message>
    <message>
        <source>From the output folder, saved %1</source>
        <translation>From the output folder, saved %1</translation>
    </message>
</context>
<context>
    <name>wan::ui::GenerationForm</name>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Describe the video: subject, action, scene, camera, style. Chinese and English both work.</source>
        <translation>Describe the video: subject, action, scene, camera, style. Chinese and English both work.</translation>
    </message>
    <message>
        <source>Negative prompt (what to avoid)</source>
        <translation>Negative prompt (what to avoid)</translation>
    </message>
    <message>
        <source>Extend prompt…</source>
        <translation>Extend prompt…</translation>
    </message>
    <message>
        <source>Let a language model rewrite the prompt with more detail (set it up in Settings → Prompt extension)</source>
        <translation>Let a language model rewrite the prompt with more detail (set it up in Settings → Prompt extension)</translation>
    </message>
    <message>
        <source>First frame</source>
        <translation>First frame</translation>
    </message>
    <message>
        <source>First and last frame</source>
        <translation>First and last frame</translation>
    </message>
    <message>
        <source>Last frame</source>
        <translation>Last frame</translation>
    </message>
    <message>
        <source>Choose the first frame</source>
        <translation>Choose the first frame</translation>
    </message>
    <message>
        <source>Choose the last frame</source>
        <translation>Choose the last frame</translation>
    </message>
    <message>
        <source>Video to edit</source>
        <translation>Video to edit</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>The video takes the first frame's aspect ratio; the last frame is center-cropped to it.</source>
        <translation>The video takes the first frame's aspect ratio; the last frame is center-cropped to it.</translation>
    </message>
    <message>
        <source>Video: %1×%2 (the first frame's aspect ratio, same area as the chosen size)</source>
        <translation>Video: %1×%2 (the first frame's aspect ratio, same area as the chosen size)</translation>
    </message>
    <message>
        <source>Write a prompt first.</source>
        <translation>Write a prompt first.</translation>
    </message>
    <message>
        <source>Image to video needs a first frame: drop, paste or browse an image.</source>
        <translation>Image to video needs a first frame: drop, paste or browse an image.</translation>
    </message>
    <message>
        <source>First &amp; last frame to video needs both frames: drop, paste or browse a first and a last frame image.</source>
        <translation>First &amp; last frame to video needs both frames: drop, paste or browse a first and a last frame image.</translation>
    </message>
    <message>
        <source>The first frame is missing: drop, paste or browse an image for it.</source>
        <translation>The first frame is missing: drop, paste or browse an image for it.</translation>
    </message>
    <message>
        <source>The last frame is missing: drop, paste or browse an image for it.</source>
        <translation>The last frame is missing: drop, paste or browse an image for it.</translation>
    </message>
    <message>
        <source>A mask needs a source video: choose the video the mask belongs to, or clear the mask.</source>
        <translation>A mask needs a source video: choose the video the mask belongs to, or clear the mask.</translation>
    </message>
    <message>
        <source>The source video %1 does not exist.</source>
        <translation>The source video %1 does not exist.</translation>
    </message>
    <message>
        <source>The mask %1 does not exist.</source>
        <translation>The mask %1 does not exist.</translation>
    </message>
</context>
<context>
    <name>wan::ui::GenerationSettingsPanel</name>
    <message>
        <source>Custom</source>
        <translation>Custom</translation>
    </message>
    <message>
        <source>one image</source>
        <translation>one image</translation>
    </message>
    <message>
        <source>%1 s at %2 fps</source>
        <translation>%1 s at %2 fps</translation>
    </message>
    <message>
        <source>Frame counts are 4n+1 (81 frames ≈ 5 s).</source>
        <translation>Frame counts are 4n+1 (81 frames ≈ 5 s).</translation>
    </message>
    <message>
        <source>Frame counts must be 4n+1, e.g. %1.</source>
        <translation>Frame counts must be 4n+1, e.g. %1.</translation>
    </message>
    <message>
        <source>Use seed %1 from the last finished job</source>
        <translation>Use seed %1 from the last finished job</translation>
    </message>
    <message>
        <source>Width and height must be multiples of %1.</source>
        <translation>Width and height must be multiples of %1.</translation>
    </message>
    <message>
        <source>The frame count must be 4n+1 (for example %1).</source>
        <translation>The frame count must be 4n+1 (for example %1).</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>Frames</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>Solver</source>
        <translation>Solver</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>Shift</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memory</translation>
    </message>
    <message>
        <source>Noise schedule shift: 5 for most videos, 3 for image to video at 480p.</source>
        <translation>Noise schedule shift: 5 for most videos, 3 for image to video at 480p.</translation>
    </message>
    <message>
        <source>How strongly the prompt is followed (classifier-free guidance).</source>
        <translation>How strongly the prompt is followed (classifier-free guidance).</translation>
    </message>
    <message>
        <source>More steps: more detail, slower. Official: 50 (image to video: 40).</source>
        <translation>More steps: more detail, slower. Official: 50 (image to video: 40).</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Random</translation>
    </message>
    <message>
        <source>Fixed</source>
        <translation>Fixed</translation>
    </message>
    <message>
        <source>Reuse last</source>
        <translation>Reuse last</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <source>Everything on the device (fastest)</source>
        <translation>Everything on the device (fastest)</translation>
    </message>
    <message>
        <source>Text encoder on CPU</source>
        <translation>Text encoder on CPU</translation>
    </message>
    <message>
        <source>Offload (least memory, slower)</source>
        <translation>Offload (least memory, slower)</translation>
    </message>
    <message>
        <source>Taken from the source video</source>
        <translation>Taken from the source video</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Speed</translation>
    </message>
    <message>
        <source>Offload each model after its stage</source>
        <translation>Offload each model after its stage</translation>
    </message>
    <message>
        <source>The built-in demo model makes %1×%2, %3 frames only.</source>
        <translation>The built-in demo model makes %1×%2, %3 frames only.</translation>
    </message>
    <message>
        <source>The seed is set to Fixed but its field is empty: enter a seed, or choose Random.</source>
        <translation>The seed is set to Fixed but its field is empty: enter a seed, or choose Random.</translation>
    </message>
</context>
<context>
    <name>wan::ui::ImageDropZone</name>
    <message>
        <source>The clipboard holds no image. Copy an image (or an image file) first.</source>
        <translation>The clipboard holds no image. Copy an image (or an image file) first.</translation>
    </message>
    <message>
        <source>Could not save the pasted image to %1. Check that the disk is not full.</source>
        <translation>Could not save the pasted image to %1. Check that the disk is not full.</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>Paste</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Drop an image here</source>
        <translation>Drop an image here</translation>
    </message>
    <message>
        <source>%1
Image: %2×%3
Video: %4×%5 (same area as the chosen size, aspect kept)</source>
        <translation>%1
Image: %2×%3
Video: %4×%5 (same area as the chosen size, aspect kept)</translation>
    </message>
    <message>
        <source>Drop a PNG, JPEG, WebP or BMP image here, paste one (Ctrl+V) or browse.</source>
        <translation>Drop a PNG, JPEG, WebP or BMP image here, paste one (Ctrl+V) or browse.</translation>
    </message>
    <message>
        <source>Choose the first frame</source>
        <translation>Choose the first frame</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>Images (%1)</translation>
    </message>
    <message>
        <source>%1
Image: %2×%3</source>
        <translation>%1
Image: %2×%3</translation>
    </message>
    <message>
        <source>Frame…</source>
        <translation>Frame…</translation>
    </message>
    <message>
        <source>Choose the part of the image the video shows (double-click the image too)</source>
        <translation>Choose the part of the image the video shows (double-click the image too)</translation>
    </message>
    <message>
        <source>%1
Image: %2×%3
Video: %4×%5 from a crop of %6×%7 at (%8, %9)</source>
        <translation>%1
Image: %2×%3
Video: %4×%5 from a crop of %6×%7 at (%8, %9)</translation>
    </message>
</context>
<context>
    <name>wan::ui::JobNotifier</name>
    <message>
        <source>Job finished</source>
        <translation>Job finished</translation>
    </message>
    <message>
        <source>Job failed</source>
        <translation>Job failed</translation>
    </message>
</context>
<context>
    <name>wan::ui::MainWindow</name>
    <message>
        <source>Render queue</source>
        <translation>Render queue</translation>
    </message>
    <message>
        <source>About Wan Studio</source>
        <translation>About Wan Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;Wan Studio %1&lt;/b&gt;&lt;br&gt;A desktop studio for the open Wan2.1 video models: text to video, image to video and text to image, on your own computer.</source>
        <translation>&lt;b&gt;Wan Studio %1&lt;/b&gt;&lt;br&gt;A desktop studio for the open Wan2.1 video models: text to video, image to video and text to image, on your own computer.</translation>
    </message>
    <message>
        <source>Wan Studio</source>
        <translation>Wan Studio</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>Model folder</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>Add to queue</translation>
    </message>
    <message>
        <source>Update queued job</source>
        <translation>Update queued job</translation>
    </message>
    <message>
        <source>Stop editing</source>
        <translation>Stop editing</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>Export as…</source>
        <translation>Export as…</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>Open output folder</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>Paste image as first frame</source>
        <translation>Paste image as first frame</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Queue</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>Open log</source>
        <translation>Open log</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>Open log folder</translation>
    </message>
    <message>
        <source>Where to get the models</source>
        <translation>Where to get the models</translation>
    </message>
    <message>
        <source>The model folder is still being checked; try again in a moment.</source>
        <translation>The model folder is still being checked; try again in a moment.</translation>
    </message>
    <message>
        <source>Choose a usable model folder first. %1</source>
        <translation>Choose a usable model folder first. %1</translation>
    </message>
    <message>
        <source>Write a prompt first.</source>
        <translation>Write a prompt first.</translation>
    </message>
    <message>
        <source>That job has already started or was removed; it was not changed.</source>
        <translation>That job has already started or was removed; it was not changed.</translation>
    </message>
    <message>
        <source>Queued job updated.</source>
        <translation>Queued job updated.</translation>
    </message>
    <message>
        <source>Added to the render queue.</source>
        <translation>Added to the render queue.</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Saved to %1</translation>
    </message>
    <message>
        <source>The job was cancelled.</source>
        <translation>The job was cancelled.</translation>
    </message>
    <message>
        <source>Select a finished job to export.</source>
        <translation>Select a finished job to export.</translation>
    </message>
    <message>
        <source>Export as</source>
        <translation>Export as</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG image (*.png)</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 video (*.mp4)</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exported to %1</translation>
    </message>
    <message>
        <source>There is no log yet.</source>
        <translation>There is no log yet.</translation>
    </message>
    <message>
        <source>Download the whole model folder and choose it under “Model folder”. The 1.3B text-to-video model needs about 8 GB of memory; the 14B models much more.</source>
        <translation>Download the whole model folder and choose it under “Model folder”. The 1.3B text-to-video model needs about 8 GB of memory; the 14B models much more.</translation>
    </message>
    <message>
        <source>A job is running</source>
        <translation>A job is running</translation>
    </message>
    <message>
        <source>A job is still running. Quit anyway? The job will be cancelled; queued jobs stay in the queue.</source>
        <translation>A job is still running. Quit anyway? The job will be cancelled; queued jobs stay in the queue.</translation>
    </message>
    <message>
        <source>Automatic prompt extension: %1</source>
        <translation>Automatic prompt extension: %1</translation>
    </message>
    <message>
        <source>a text-to-video model</source>
        <translation>a text-to-video model</translation>
    </message>
    <message>
        <source>an image-to-video model</source>
        <translation>an image-to-video model</translation>
    </message>
    <message>
        <source>a first-and-last-frame model</source>
        <translation>a first-and-last-frame model</translation>
    </message>
    <message>
        <source>a VACE video-editing model</source>
        <translation>a VACE video-editing model</translation>
    </message>
    <message>
        <source>This model folder holds %1; image to video needs an I2V model (Wan2.1-I2V-14B-480P or -720P).</source>
        <translation>This model folder holds %1; image to video needs an I2V model (Wan2.1-I2V-14B-480P or -720P).</translation>
    </message>
    <message>
        <source>This model folder holds %1; first &amp; last frame to video needs an FLF2V model (Wan2.1-FLF2V-14B-720P).</source>
        <translation>This model folder holds %1; first &amp; last frame to video needs an FLF2V model (Wan2.1-FLF2V-14B-720P).</translation>
    </message>
    <message>
        <source>This model folder holds %1; video editing needs a VACE model (Wan2.1-VACE-1.3B or -14B).</source>
        <translation>This model folder holds %1; video editing needs a VACE model (Wan2.1-VACE-1.3B or -14B).</translation>
    </message>
    <message>
        <source>This model folder holds %1; choose a T2V model folder for this task.</source>
        <translation>This model folder holds %1; choose a T2V model folder for this task.</translation>
    </message>
    <message>
        <source>Check that the folder is writable and the disk is not full.</source>
        <translation>Check that the folder is writable and the disk is not full.</translation>
    </message>
    <message>
        <source>Choose a finished job whose result file still exists.</source>
        <translation>Choose a finished job whose result file still exists.</translation>
    </message>
    <message>
        <source>Could not save the frame to %1. Check that the folder is writable and the disk is not full.</source>
        <translation>Could not save the frame to %1. Check that the folder is writable and the disk is not full.</translation>
    </message>
    <message>
        <source>The clip's last frame is the new first frame. Review the form, then add it to the queue.</source>
        <translation>The clip's last frame is the new first frame. Review the form, then add it to the queue.</translation>
    </message>
    <message>
        <source>Choose two different finished clips to bridge.</source>
        <translation>Choose two different finished clips to bridge.</translation>
    </message>
    <message>
        <source>The bridge starts on the first clip's last frame and ends on the second clip's first frame. Review the form, then add it to the queue.</source>
        <translation>The bridge starts on the first clip's last frame and ends on the second clip's first frame. Review the form, then add it to the queue.</translation>
    </message>
    <message>
        <source>Show a finished clip in the player first.</source>
        <translation>Show a finished clip in the player first.</translation>
    </message>
    <message>
        <source>Bridging needs a second finished clip in the render queue: generate or keep one first.</source>
        <translation>Bridging needs a second finished clip in the render queue: generate or keep one first.</translation>
    </message>
    <message>
        <source>Still stopping</source>
        <translation>Still stopping</translation>
    </message>
    <message>
        <source>Finish in the background</source>
        <translation>Finish in the background</translation>
    </message>
    <message>
        <source>Force quit</source>
        <translation>Force quit</translation>
    </message>
    <message>
        <source>The running job has not stopped yet (it may be loading a model or in the middle of a step). Wan Studio closes its window now and quits as soon as it has stopped; queued jobs stay in the queue.

Force quit ends Wan Studio at once.</source>
        <translation>The running job has not stopped yet (it may be loading a model or in the middle of a step). Wan Studio closes its window now and quits as soon as it has stopped; queued jobs stay in the queue.

Force quit ends Wan Studio at once.</translation>
    </message>
    <message>
        <source>The built-in demo model makes videos only: choose Text to video, or another model folder.</source>
        <translation>The built-in demo model makes videos only: choose Text to video, or another model folder.</translation>
    </message>
    <message>
        <source>That result is no longer in the render queue.</source>
        <translation>That result is no longer in the render queue.</translation>
    </message>
    <message>
        <source>Prompt loaded.</source>
        <translation>Prompt loaded.</translation>
    </message>
    <message>
        <source>Settings loaded; the seed stays as it was.</source>
        <translation>Settings loaded; the seed stays as it was.</translation>
    </message>
    <message>
        <source>Settings loaded, seed included.</source>
        <translation>Settings loaded, seed included.</translation>
    </message>
    <message>
        <source>Settings restored from %1.</source>
        <translation>Settings restored from %1.</translation>
    </message>
    <message>
        <source>Settings restored from the metadata of %1 (prompt, seed, size, steps, shift and guidance; the model folder and input images are not stored there).</source>
        <translation>Settings restored from the metadata of %1 (prompt, seed, size, steps, shift and guidance; the model folder and input images are not stored there).</translation>
    </message>
    <message>
        <source>The last frame is saved as %1. Image to video needs an image-to-video model folder (Wan2.1-I2V-14B-480P or -720P): choose one under “Model folder”, then drop the frame on the image.</source>
        <translation>The last frame is saved as %1. Image to video needs an image-to-video model folder (Wan2.1-I2V-14B-480P or -720P): choose one under “Model folder”, then drop the frame on the image.</translation>
    </message>
    <message>
        <source>The API key is in the settings file: the system keychain did not take it (%1).</source>
        <translation>The API key is in the settings file: the system keychain did not take it (%1).</translation>
    </message>
    <message>
        <source>Restore settings</source>
        <translation>Restore settings</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>Models…</translation>
    </message>
    <message>
        <source>First-run assistant…</source>
        <translation>First-run assistant…</translation>
    </message>
    <message>
        <source>Model folder: %1</source>
        <translation>Model folder: %1</translation>
    </message>
    <message>
        <source>No group of variations in the queue.</source>
        <translation>No group of variations in the queue.</translation>
    </message>
    <message>
        <source>Variations…</source>
        <translation>Variations…</translation>
    </message>
    <message>
        <source>Queue several seeds, or a grid of guidance, shift and steps, as one group and compare the results side by side</source>
        <translation>Queue several seeds, or a grid of guidance, shift and steps, as one group and compare the results side by side</translation>
    </message>
    <message>
        <source>Compare variations…</source>
        <translation>Compare variations…</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Keyboard Shortcuts</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) added to the render queue as one group.</source>
        <translation><numerusform>%n job(s) added to the render queue as one group.</numerusform><numerusform>%n job(s) added to the render queue as one group.</numerusform></translation>
    </message>
    <message>
        <source>Finish editing the queued job first.</source>
        <translation>Finish editing the queued job first.</translation>
    </message>
    <message>
        <source>Memory: %1 (recommended for this computer)</source>
        <translation>Memory: %1 (recommended for this computer)</translation>
    </message>
    <message>
        <source>That job is no longer in the render queue or the gallery.</source>
        <translation>That job is no longer in the render queue or the gallery.</translation>
    </message>
    <message>
        <source>No variations to queue.</source>
        <translation>No variations to queue.</translation>
    </message>
</context>
<context>
    <name>wan::ui::MaskPainter</name>
    <message>
        <source>The mask has no frames to write.</source>
        <translation>The mask has no frames to write.</translation>
    </message>
    <message>
        <source>%1 already exists; choose another folder for the mask.</source>
        <translation>%1 already exists; choose another folder for the mask.</translation>
    </message>
    <message>
        <source>Could not create the folder %1. Check that it is writable.</source>
        <translation>Could not create the folder %1. Check that it is writable.</translation>
    </message>
    <message>
        <source>Could not create a folder in %1. Check that it is writable.</source>
        <translation>Could not create a folder in %1. Check that it is writable.</translation>
    </message>
    <message>
        <source>Could not write the mask frame %1. Check that the disk is not full.</source>
        <translation>Could not write the mask frame %1. Check that the disk is not full.</translation>
    </message>
    <message>
        <source>Could not move the mask frames into %1.</source>
        <translation>Could not move the mask frames into %1.</translation>
    </message>
</context>
<context>
    <name>wan::ui::MaskPainterDialog</name>
    <message>
        <source>The mask is empty: paint or draw a box where the video should change (white), or cancel.</source>
        <translation>The mask is empty: paint or draw a box where the video should change (white), or cancel.</translation>
    </message>
    <message>
        <source>Frame %1 of %2</source>
        <translation>Frame %1 of %2</translation>
    </message>
    <message>
        <source>No key frames yet: drag a box on this frame.</source>
        <translation>No key frames yet: drag a box on this frame.</translation>
    </message>
    <message>
        <source>Box key frames: %1</source>
        <translation>Box key frames: %1</translation>
    </message>
    <message>
        <source>Draw a mask</source>
        <translation>Draw a mask</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>Brush</translation>
    </message>
    <message>
        <source>Paint the area to generate</source>
        <translation>Paint the area to generate</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>Eraser</translation>
    </message>
    <message>
        <source>Paint the area to keep</source>
        <translation>Paint the area to keep</translation>
    </message>
    <message>
        <source>Box</source>
        <translation>Box</translation>
    </message>
    <message>
        <source>Drag a box to generate inside it</source>
        <translation>Drag a box to generate inside it</translation>
    </message>
    <message>
        <source>Radius</source>
        <translation>Radius</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Over time</source>
        <translation>Over time</translation>
    </message>
    <message>
        <source>Same mask for all frames</source>
        <translation>Same mask for all frames</translation>
    </message>
    <message>
        <source>Box track over the frames</source>
        <translation>Box track over the frames</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Remove key</translation>
    </message>
    <message>
        <source>Tinted areas are generated (white in the mask); the rest of the video is kept. A box track moves a box between key frames: pick a frame, drag a box, repeat; before the first and after the last key the box stays put.</source>
        <translation>Tinted areas are generated (white in the mask); the rest of the video is kept. A box track moves a box between key frames: pick a frame, drag a box, repeat; before the first and after the last key the box stays put.</translation>
    </message>
</context>
<context>
    <name>wan::ui::MemoryPlanView</name>
    <message>
        <source>Memory plan: %1</source>
        <translation>Memory plan: %1</translation>
    </message>
    <message>
        <source>Memory plan: not available (%1)</source>
        <translation>Memory plan: not available (%1)</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelDownloads</name>
    <message>
        <source>The download server "%1" is not usable: %2</source>
        <translation>The download server "%1" is not usable: %2</translation>
    </message>
    <message>
        <source>"%1" is not in the model catalogue.</source>
        <translation>"%1" is not in the model catalogue.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for %2. Choose another models folder.</source>
        <translation>Cannot create the folder %1 for %2. Choose another models folder.</translation>
    </message>
    <message>
        <source>%1 was not downloaded by Wan Studio, so it is not deleted from here. Delete it in your file manager if you no longer need it.</source>
        <translation>%1 was not downloaded by Wan Studio, so it is not deleted from here. Delete it in your file manager if you no longer need it.</translation>
    </message>
    <message>
        <source>%1 is still downloading. Cancel the download first.</source>
        <translation>%1 is still downloading. Cancel the download first.</translation>
    </message>
    <message>
        <source>Could not delete every file in %1. Check the folder's permissions.</source>
        <translation>Could not delete every file in %1. Check the folder's permissions.</translation>
    </message>
    <message>
        <source>The download of %1 failed: the server or the network did not deliver a file.</source>
        <translation>The download of %1 failed: the server or the network did not deliver a file.</translation>
    </message>
    <message>
        <source>The download of %1 could not be written to disk.</source>
        <translation>The download of %1 could not be written to disk.</translation>
    </message>
    <message>
        <source>The download of %1 was refused: a file arrived damaged twice.</source>
        <translation>The download of %1 was refused: a file arrived damaged twice.</translation>
    </message>
    <message>
        <source>The download of %1 could not start.</source>
        <translation>The download of %1 could not start.</translation>
    </message>
    <message>
        <source>The download of %1 stopped.</source>
        <translation>The download of %1 stopped.</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelFilesDialog</name>
    <message>
        <source>Model files (*.safetensors *.gguf *.pth *.pt *.model)</source>
        <translation>Model files (*.safetensors *.gguf *.pth *.pt *.model)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <source>Choose the %1 file</source>
        <translation>Choose the %1 file</translation>
    </message>
    <message>
        <source>Checking the model files…</source>
        <translation>Checking the model files…</translation>
    </message>
    <message>
        <source>Ready: %1, %2</source>
        <translation>Ready: %1, %2</translation>
    </message>
    <message>
        <source>This model set cannot run yet:</source>
        <translation>This model set cannot run yet:</translation>
    </message>
    <message>
        <source>Not needed: only image-to-video models read an image encoder.</source>
        <translation>Not needed: only image-to-video models read an image encoder.</translation>
    </message>
    <message>
        <source>Not used: only image-to-video models read an image encoder.</source>
        <translation>Not used: only image-to-video models read an image encoder.</translation>
    </message>
    <message>
        <source>Uses %1</source>
        <translation>Uses %1</translation>
    </message>
    <message>
        <source>From the model folder: %1 · %2</source>
        <translation>From the model folder: %1 · %2</translation>
    </message>
    <message>
        <source>Model files</source>
        <translation>Model files</translation>
    </message>
    <message>
        <source>Use single model files (ComfyUI, GGUF, …) in place of the model folder's own. An empty row takes that part from the model folder. You can also drop files here.</source>
        <translation>Use single model files (ComfyUI, GGUF, …) in place of the model folder's own. An empty row takes that part from the model folder. You can also drop files here.</translation>
    </message>
    <message>
        <source>No model folder: choose the DiT, text encoder and VAE files (and CLIP for image models).</source>
        <translation>No model folder: choose the DiT, text encoder and VAE files (and CLIP for image models).</translation>
    </message>
    <message>
        <source>Model folder: %1</source>
        <translation>Model folder: %1</translation>
    </message>
    <message>
        <source>DiT (diffusion model)</source>
        <translation>DiT (diffusion model)</translation>
    </message>
    <message>
        <source>Text encoder (umT5)</source>
        <translation>Text encoder (umT5)</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>CLIP (image models)</source>
        <translation>CLIP (image models)</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
    <message>
        <source>Found beside the text encoder file</source>
        <translation>Found beside the text encoder file</translation>
    </message>
    <message>
        <source>From the model folder</source>
        <translation>From the model folder</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelFolderPicker</name>
    <message>
        <source>Get the official weights (the whole folder):</source>
        <translation>Get the official weights (the whole folder):</translation>
    </message>
    <message>
        <source>Checking the model folder…</source>
        <translation>Checking the model folder…</translation>
    </message>
    <message>
        <source>Choose the folder of a Wan2.1 model.</source>
        <translation>Choose the folder of a Wan2.1 model.</translation>
    </message>
    <message>
        <source>image to video</source>
        <translation>image to video</translation>
    </message>
    <message>
        <source>text to video</source>
        <translation>text to video</translation>
    </message>
    <message>
        <source>Wan2.1 %1 model, %2</source>
        <translation>Wan2.1 %1 model, %2</translation>
    </message>
    <message>
        <source>Missing or unusable: %1</source>
        <translation>Missing or unusable: %1</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>Choose the model folder</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Folder with diffusion_pytorch_model*.safetensors, Wan2.1_VAE.pth, …</source>
        <translation>Folder with diffusion_pytorch_model*.safetensors, Wan2.1_VAE.pth, …</translation>
    </message>
    <message>
        <source>first &amp; last frame to video</source>
        <translation>first &amp; last frame to video</translation>
    </message>
    <message>
        <source>video editing (VACE)</source>
        <translation>video editing (VACE)</translation>
    </message>
    <message>
        <source>Built-in demo model: %1×%2, %3 frames, a few seconds per clip on the CPU. It knows only simple shapes, colours and motions.</source>
        <translation>Built-in demo model: %1×%2, %3 frames, a few seconds per clip on the CPU. It knows only simple shapes, colours and motions.</translation>
    </message>
    <message>
        <source>For example: “%1”</source>
        <translation>For example: “%1”</translation>
    </message>
    <message>
        <source>Built-in demo</source>
        <translation>Built-in demo</translation>
    </message>
    <message>
        <source>A tiny model that comes with Wan Studio: small clips of simple shapes in seconds on any CPU</source>
        <translation>A tiny model that comes with Wan Studio: small clips of simple shapes in seconds on any CPU</translation>
    </message>
    <message>
        <source>DiT</source>
        <translation>DiT</translation>
    </message>
    <message>
        <source>text encoder</source>
        <translation>text encoder</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>CLIP</source>
        <translation>CLIP</translation>
    </message>
    <message>
        <source>tokenizer</source>
        <translation>tokenizer</translation>
    </message>
    <message>
        <source>Model files: %1</source>
        <translation>Model files: %1</translation>
    </message>
    <message>
        <source>Checking the model files…</source>
        <translation>Checking the model files…</translation>
    </message>
    <message>
        <source>Model files…</source>
        <translation>Model files…</translation>
    </message>
    <message>
        <source>Use single files (ComfyUI, GGUF, …) for the DiT, text encoder, VAE or CLIP in place of the folder's own</source>
        <translation>Use single files (ComfyUI, GGUF, …) for the DiT, text encoder, VAE or CLIP in place of the folder's own</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelManagerDialog</name>
    <message>
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>Models folder:</source>
        <translation>Models folder:</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Change…</translation>
    </message>
    <message>
        <source>Download from:</source>
        <translation>Download from:</translation>
    </message>
    <message>
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <source>hf-mirror.com (mainland China)</source>
        <translation>hf-mirror.com (mainland China)</translation>
    </message>
    <message>
        <source>ModelScope (mainland China)</source>
        <translation>ModelScope (mainland China)</translation>
    </message>
    <message>
        <source>Other server (URL)</source>
        <translation>Other server (URL)</translation>
    </message>
    <message>
        <source>https://… or modelscope:https://…</source>
        <translation>https://… or modelscope:https://…</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Installed</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>Use this model</source>
        <translation>Use this model</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Available</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>Check sizes</source>
        <translation>Check sizes</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Download</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Cancel download…</source>
        <translation>Cancel download…</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>checking…</translation>
    </message>
    <message>
        <source>Downloaded by Wan Studio</source>
        <translation>Downloaded by Wan Studio</translation>
    </message>
    <message>
        <source>Found in the models folder (not downloaded by Wan Studio)</source>
        <translation>Found in the models folder (not downloaded by Wan Studio)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>%1 of %2, %3/s, %4 left</source>
        <translation>%1 of %2, %3/s, %4 left</translation>
    </message>
    <message>
        <source>File %1 of %2: %3, %4 of %5, %6 left</source>
        <translation>File %1 of %2: %3, %4 of %5, %6 left</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <source>Paused at %1 of %2</source>
        <translation>Paused at %1 of %2</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>Only models downloaded by Wan Studio can be deleted here.</source>
        <translation>Only models downloaded by Wan Studio can be deleted here.</translation>
    </message>
    <message>
        <source>Folder for downloaded models</source>
        <translation>Folder for downloaded models</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>Cancel download</translation>
    </message>
    <message>
        <source>Cancel the download of %1 and delete what was downloaded so far?</source>
        <translation>Cancel the download of %1 and delete what was downloaded so far?</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>Delete model</translation>
    </message>
    <message>
        <source>Delete %1 and every file in it? This cannot be undone.</source>
        <translation>Delete %1 and every file in it? This cannot be undone.</translation>
    </message>
    <message>
        <source>Download options</source>
        <translation>Download options</translation>
    </message>
    <message>
        <source>Only for gated or private repositories</source>
        <translation>Only for gated or private repositories</translation>
    </message>
    <message>
        <source>Access token:</source>
        <translation>Access token:</translation>
    </message>
    <message>
        <source>How many files of a model download at the same time</source>
        <translation>How many files of a model download at the same time</translation>
    </message>
    <message>
        <source>Files at once:</source>
        <translation>Files at once:</translation>
    </message>
    <message>
        <source> MB/s</source>
        <translation> MB/s</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>No limit</translation>
    </message>
    <message>
        <source>One limit shared by all files downloading at the same time</source>
        <translation>One limit shared by all files downloading at the same time</translation>
    </message>
    <message>
        <source>Speed limit:</source>
        <translation>Speed limit:</translation>
    </message>
    <message>
        <source>Changes apply to downloads started or resumed from now on.</source>
        <translation>Changes apply to downloads started or resumed from now on.</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>Kept in the system keychain</source>
        <translation>Kept in the system keychain</translation>
    </message>
    <message>
        <source>No keychain: kept in the settings file</source>
        <translation>No keychain: kept in the settings file</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Saving…</translation>
    </message>
</context>
<context>
    <name>wan::ui::PlayerWidget</name>
    <message>
        <source>The finished video plays here.</source>
        <translation>The finished video plays here.</translation>
    </message>
    <message>
        <source>Frame %1/%2</source>
        <translation>Frame %1/%2</translation>
    </message>
    <message>
        <source>Frame %1</source>
        <translation>Frame %1</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Play</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>Loop</translation>
    </message>
    <message>
        <source>Previous frame</source>
        <translation>Previous frame</translation>
    </message>
    <message>
        <source>Next frame</source>
        <translation>Next frame</translation>
    </message>
    <message>
        <source>Continue from last frame</source>
        <translation>Continue from last frame</translation>
    </message>
    <message>
        <source>Start a new image-to-video job on this clip's last frame</source>
        <translation>Start a new image-to-video job on this clip's last frame</translation>
    </message>
    <message>
        <source>Bridge two clips…</source>
        <translation>Bridge two clips…</translation>
    </message>
    <message>
        <source>A first-and-last-frame job from this clip's end to the start of another finished clip</source>
        <translation>A first-and-last-frame job from this clip's end to the start of another finished clip</translation>
    </message>
</context>
<context>
    <name>wan::ui::PreviewView</name>
    <message>
        <source>Frame %1/%2</source>
        <translation>Frame %1/%2</translation>
    </message>
    <message>
        <source>All frames</source>
        <translation>All frames</translation>
    </message>
    <message>
        <source>Show every latent frame of the preview in a strip below</source>
        <translation>Show every latent frame of the preview in a strip below</translation>
    </message>
    <message>
        <source>Which frame of the clip the preview shows</source>
        <translation>Which frame of the clip the preview shows</translation>
    </message>
</context>
<context>
    <name>wan::ui::ProgressPanel</name>
    <message>
        <source>Loading the model</source>
        <translation>Loading the model</translation>
    </message>
    <message>
        <source>Reading the prompt</source>
        <translation>Reading the prompt</translation>
    </message>
    <message>
        <source>Reading the image</source>
        <translation>Reading the image</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>Generating</translation>
    </message>
    <message>
        <source>Decoding frames</source>
        <translation>Decoding frames</translation>
    </message>
    <message>
        <source>Writing the video</source>
        <translation>Writing the video</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>The preview appears here while a job runs.</source>
        <translation>The preview appears here while a job runs.</translation>
    </message>
    <message>
        <source>Waiting for the first step…</source>
        <translation>Waiting for the first step…</translation>
    </message>
    <message>
        <source>Step %1/%2</source>
        <translation>Step %1/%2</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>%1 s/step</source>
        <translation>%1 s/step</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>ETA %1</translation>
    </message>
    <message>
        <source>Done in %1</source>
        <translation>Done in %1</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
</context>
<context>
    <name>wan::ui::PromptEditor</name>
    <message>
        <source>≈ %1 / %2 tokens</source>
        <translation>≈ %1 / %2 tokens</translation>
    </message>
    <message>
        <source>Probably longer than the model reads: text after about %1 tokens is cut off.</source>
        <translation>Probably longer than the model reads: text after about %1 tokens is cut off.</translation>
    </message>
    <message>
        <source>A quick estimate, not the exact tokenizer count.</source>
        <translation>A quick estimate, not the exact tokenizer count.</translation>
    </message>
    <message>
        <source>No recent prompts</source>
        <translation>No recent prompts</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>Recent</translation>
    </message>
    <message>
        <source>Use a recent prompt again</source>
        <translation>Use a recent prompt again</translation>
    </message>
</context>
<context>
    <name>wan::ui::PromptExtendDialog</name>
    <message>
        <source>Extend prompt</source>
        <translation>Extend prompt</translation>
    </message>
    <message>
        <source>The rewritten prompt appears here; you can edit it before using it.</source>
        <translation>The rewritten prompt appears here; you can edit it before using it.</translation>
    </message>
    <message>
        <source>Use rewrite</source>
        <translation>Use rewrite</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>Keep original</source>
        <translation>Keep original</translation>
    </message>
    <message>
        <source>Rewrite in:</source>
        <translation>Rewrite in:</translation>
    </message>
    <message>
        <source>Original:</source>
        <translation>Original:</translation>
    </message>
    <message>
        <source>Rewrite:</source>
        <translation>Rewrite:</translation>
    </message>
    <message>
        <source>Asking the model…</source>
        <translation>Asking the model…</translation>
    </message>
    <message>
        <source>Rewritten by %1. Edit it if you like, then use it or keep the original.</source>
        <translation>Rewritten by %1. Edit it if you like, then use it or keep the original.</translation>
    </message>
    <message>
        <source>Your edits to the rewrite are kept. Press Retry to rewrite the prompt in %1 instead (that replaces your edits).</source>
        <translation>Your edits to the rewrite are kept. Press Retry to rewrite the prompt in %1 instead (that replaces your edits).</translation>
    </message>
</context>
<context>
    <name>wan::ui::PromptExtendSettingsPage</name>
    <message>
        <source>Dashscope (Alibaba Cloud)</source>
        <translation>Dashscope (Alibaba Cloud)</translation>
    </message>
    <message>
        <source>Local OpenAI-compatible server (vLLM, llama.cpp, Ollama)</source>
        <translation>Local OpenAI-compatible server (vLLM, llama.cpp, Ollama)</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Show</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Test connection</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>Service:</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>Text model:</source>
        <translation>Text model:</translation>
    </message>
    <message>
        <source>Vision model (I2V):</source>
        <translation>Vision model (I2V):</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API key:</translation>
    </message>
    <message>
        <source>Rewrite in:</source>
        <translation>Rewrite in:</translation>
    </message>
    <message>
        <source>Give up after:</source>
        <translation>Give up after:</translation>
    </message>
    <message>
        <source>Attempts:</source>
        <translation>Attempts:</translation>
    </message>
    <message>
        <source>This build has no network support (built without libcurl): prompt extension is unavailable.</source>
        <translation>This build has no network support (built without libcurl): prompt extension is unavailable.</translation>
    </message>
    <message>
        <source>empty: $DASH_API_URL or the international endpoint</source>
        <translation>empty: $DASH_API_URL or the international endpoint</translation>
    </message>
    <message>
        <source>empty: $DASH_API_KEY</source>
        <translation>empty: $DASH_API_KEY</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>The key is stored unencrypted in the application's settings file. Setting the DASH_API_KEY environment variable instead keeps it out of that file.</source>
        <translation>The key is stored unencrypted in the application's settings file. Setting the DASH_API_KEY environment variable instead keeps it out of that file.</translation>
    </message>
    <message>
        <source>No key: set DASH_API_KEY or enter one here.</source>
        <translation>No key: set DASH_API_KEY or enter one here.</translation>
    </message>
    <message>
        <source>DASH_API_KEY is set in the environment and will be used.</source>
        <translation>DASH_API_KEY is set in the environment and will be used.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>Connected: %1 answered.</source>
        <translation>Connected: %1 answered.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <source>Extend prompts automatically when queuing</source>
        <translation>Extend prompts automatically when queuing</translation>
    </message>
    <message>
        <source>DASH_API_URL is set: requests and the key go to %1.</source>
        <translation>DASH_API_URL is set: requests and the key go to %1.</translation>
    </message>
    <message>
        <source>DASH_API_URL (%1) is neither https nor this computer: the key is not sent there. Use an https:// address or enter the URL here.</source>
        <translation>DASH_API_URL (%1) is neither https nor this computer: the key is not sent there. Use an https:// address or enter the URL here.</translation>
    </message>
    <message>
        <source>The system keychain did not take the key (%1).</source>
        <translation>The system keychain did not take the key (%1).</translation>
    </message>
</context>
<context>
    <name>wan::ui::QueueEtaLabel</name>
    <message numerus="yes">
        <source>Queue: %n job(s), about %1</source>
        <translation><numerusform>Queue: %n job(s), about %1</numerusform><numerusform>Queue: %n job(s), about %1</numerusform></translation>
    </message>
    <message>
        <source>Time until every queued job is done, from the running job's progress and the stage times measured on earlier jobs</source>
        <translation>Time until every queued job is done, from the running job's progress and the stage times measured on earlier jobs</translation>
    </message>
</context>
<context>
    <name>wan::ui::RenderQueueDock</name>
    <message>
        <source>Release</source>
        <translation>Release</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>Hold</translation>
    </message>
    <message>
        <source>Render queue (paused)</source>
        <translation>Render queue (paused)</translation>
    </message>
    <message>
        <source>Render queue</source>
        <translation>Render queue</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>Resume queue</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>Pause queue</translation>
    </message>
    <message>
        <source>Pause after the current job / resume</source>
        <translation>Pause after the current job / resume</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>Load this queued job into the editor to change it</source>
        <translation>Load this queued job into the editor to change it</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>Pause and free GPU</source>
        <translation>Pause and free GPU</translation>
    </message>
    <message>
        <source>Hold a queued job (the queue skips it) or release it; pause the running job at the next step and free the GPU (releasing it continues from there)</source>
        <translation>Hold a queued job (the queue skips it) or release it; pause the running job at the next step and free the GPU (releasing it continues from there)</translation>
    </message>
    <message>
        <source>Promote to final</source>
        <translation>Promote to final</translation>
    </message>
    <message>
        <source>Queue this draft again with the full sampler, the same settings and seed</source>
        <translation>Queue this draft again with the full sampler, the same settings and seed</translation>
    </message>
    <message>
        <source>Duplicate with the same seed (the same video again when nothing else changes) or with a new random seed?</source>
        <translation>Duplicate with the same seed (the same video again when nothing else changes) or with a new random seed?</translation>
    </message>
    <message>
        <source>Same seed</source>
        <translation>Same seed</translation>
    </message>
    <message>
        <source>New seed</source>
        <translation>New seed</translation>
    </message>
    <message>
        <source>Variations…</source>
        <translation>Variations…</translation>
    </message>
    <message>
        <source>Queue several seeds, or a grid of guidance, shift and steps, of this job's settings as one group</source>
        <translation>Queue several seeds, or a grid of guidance, shift and steps, of this job's settings as one group</translation>
    </message>
</context>
<context>
    <name>wan::ui::RenderQueueModel</name>
    <message>
        <source>Preview</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>Frames</translation>
    </message>
    <message>
        <source>State</source>
        <translation>State</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>ETA</translation>
    </message>
    <message>
        <source>%1

Extended from: %2</source>
        <translation>%1

Extended from: %2</translation>
    </message>
    <message>
        <source>Being edited</source>
        <translation>Being edited</translation>
    </message>
</context>
<context>
    <name>wan::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Same as the system</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Output folder</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>Each job gets its own folder inside the output folder: the video, its final latents, settings.json and a log.</source>
        <translation>Each job gets its own folder inside the output folder: the video, its final latents, settings.json and a log.</translation>
    </message>
    <message>
        <source>General</source>
        <translation>General</translation>
    </message>
    <message>
        <source>Prompt extension</source>
        <translation>Prompt extension</translation>
    </message>
    <message>
        <source>CPU — %1, %2 GiB RAM</source>
        <translation>CPU — %1, %2 GiB RAM</translation>
    </message>
    <message>
        <source>GPU %1 — %2, %3 GiB, compute capability %4.%5</source>
        <translation>GPU %1 — %2, %3 GiB, compute capability %4.%5</translation>
    </message>
    <message>
        <source>%1 — not found on this computer</source>
        <translation>%1 — not found on this computer</translation>
    </message>
    <message>
        <source>CPU — a seed gives the same video on every computer</source>
        <translation>CPU — a seed gives the same video on every computer</translation>
    </message>
    <message>
        <source>Device — the GPU's own generator, as the official script</source>
        <translation>Device — the GPU's own generator, as the official script</translation>
    </message>
    <message>
        <source>Where the starting noise is drawn. "Device" reproduces videos made with the official Python script on an NVIDIA GPU; the same seed then gives another video on the CPU.</source>
        <translation>Where the starting noise is drawn. "Device" reproduces videos made with the official Python script on an NVIDIA GPU; the same seed then gives another video on the CPU.</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>Noise</translation>
    </message>
    <message>
        <source>All free GPU memory</source>
        <translation>All free GPU memory</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>The most GPU memory a job may use, below what is free: leave room for games, a browser or a second job. The plan under the form shows what fits.</source>
        <translation>The most GPU memory a job may use, below what is free: leave room for games, a browser or a second job. The plan under the form shows what fits.</translation>
    </message>
    <message>
        <source>GPU memory budget</source>
        <translation>GPU memory budget</translation>
    </message>
    <message>
        <source>Automatic — the fastest for this computer</source>
        <translation>Automatic — the fastest for this computer</translation>
    </message>
    <message>
        <source>bf16 — as the official script on a GPU</source>
        <translation>bf16 — as the official script on a GPU</translation>
    </message>
    <message>
        <source>fp32 — the reference result</source>
        <translation>fp32 — the reference result</translation>
    </message>
    <message>
        <source>How the text encoder computes. Automatic: fp32 for fp32 jobs; otherwise bf16 on a GPU, and on the CPU bf16 only where the processor multiplies bf16 itself (AVX512-BF16 or AMX), since elsewhere fp32 is faster.</source>
        <translation>How the text encoder computes. Automatic: fp32 for fp32 jobs; otherwise bf16 on a GPU, and on the CPU bf16 only where the processor multiplies bf16 itself (AVX512-BF16 or AMX), since elsewhere fp32 is faster.</translation>
    </message>
    <message>
        <source>Text encoder math</source>
        <translation>Text encoder math</translation>
    </message>
    <message>
        <source>Automatic — half precision on a GPU</source>
        <translation>Automatic — half precision on a GPU</translation>
    </message>
    <message>
        <source>bf16 — GPUs from compute capability 8.0</source>
        <translation>bf16 — GPUs from compute capability 8.0</translation>
    </message>
    <message>
        <source>fp16 — older GPUs</source>
        <translation>fp16 — older GPUs</translation>
    </message>
    <message>
        <source>How the VAE, which turns latents into video and images into latents, computes on a GPU. Automatic: fp32 for fp32 jobs; otherwise bf16, or fp16 on GPUs before compute capability 8.0, which halves its memory. A half-precision run that overflows is redone in fp32. The processor always uses fp32.</source>
        <translation>How the VAE, which turns latents into video and images into latents, computes on a GPU. Automatic: fp32 for fp32 jobs; otherwise bf16, or fp16 on GPUs before compute capability 8.0, which halves its memory. A half-precision run that overflows is redone in fp32. The processor always uses fp32.</translation>
    </message>
    <message>
        <source>VAE math</source>
        <translation>VAE math</translation>
    </message>
</context>
<context>
    <name>wan::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Keyboard Shortcuts</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
</context>
<context>
    <name>wan::ui::SpeedSettingsWidget</name>
    <message>
        <source>Strength of this LoRA (0 turns it off)</source>
        <translation>Strength of this LoRA (0 turns it off)</translation>
    </message>
    <message>
        <source>Add LoRA</source>
        <translation>Add LoRA</translation>
    </message>
    <message>
        <source>LoRA weights (*.safetensors)</source>
        <translation>LoRA weights (*.safetensors)</translation>
    </message>
    <message>
        <source>Final (full sampler)</source>
        <translation>Final (full sampler)</translation>
    </message>
    <message>
        <source>Draft (distilled, 4 steps)</source>
        <translation>Draft (distilled, 4 steps)</translation>
    </message>
    <message>
        <source>Draft needs a step-distilled LoRA (such as lightx2v's): 4 steps, no guidance, about 20 times fewer model calls. Final uses the full sampler.</source>
        <translation>Draft needs a step-distilled LoRA (such as lightx2v's): 4 steps, no guidance, about 20 times fewer model calls. Final uses the full sampler.</translation>
    </message>
    <message>
        <source>No step cache</source>
        <translation>No step cache</translation>
    </message>
    <message>
        <source>TeaCache: quality</source>
        <translation>TeaCache: quality</translation>
    </message>
    <message>
        <source>TeaCache: balanced</source>
        <translation>TeaCache: balanced</translation>
    </message>
    <message>
        <source>TeaCache: fast</source>
        <translation>TeaCache: fast</translation>
    </message>
    <message>
        <source>MagCache: quality</source>
        <translation>MagCache: quality</translation>
    </message>
    <message>
        <source>MagCache: balanced</source>
        <translation>MagCache: balanced</translation>
    </message>
    <message>
        <source>MagCache: fast</source>
        <translation>MagCache: fast</translation>
    </message>
    <message>
        <source>Reuse the model's work of earlier steps when little changes: faster, slightly different result. The job log says how many steps were skipped.</source>
        <translation>Reuse the model's work of earlier steps when little changes: faster, slightly different result. The job log says how many steps were skipped.</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>Strength</translation>
    </message>
    <message>
        <source>Add LoRA…</source>
        <translation>Add LoRA…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
</context>
<context>
    <name>wan::ui::VaceInputPanel</name>
    <message>
        <source>Images (%1)</source>
        <translation>Images (%1)</translation>
    </message>
    <message>
        <source>Choose the source video</source>
        <translation>Choose the source video</translation>
    </message>
    <message>
        <source>Choose the mask video</source>
        <translation>Choose the mask video</translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.mov *.mkv *.webm *.avi);;All files (*)</source>
        <translation>Videos (*.mp4 *.mov *.mkv *.webm *.avi);;All files (*)</translation>
    </message>
    <message>
        <source>Choose a folder of source frames (PNG)</source>
        <translation>Choose a folder of source frames (PNG)</translation>
    </message>
    <message>
        <source>Choose a folder of mask frames (PNG)</source>
        <translation>Choose a folder of mask frames (PNG)</translation>
    </message>
    <message>
        <source>Add reference images</source>
        <translation>Add reference images</translation>
    </message>
    <message>
        <source>Source video</source>
        <translation>Source video</translation>
    </message>
    <message>
        <source>Video file or folder of PNG frames (optional)</source>
        <translation>Video file or folder of PNG frames (optional)</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>File…</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Folder…</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>Mask</translation>
    </message>
    <message>
        <source>White = generate, black = keep (optional)</source>
        <translation>White = generate, black = keep (optional)</translation>
    </message>
    <message>
        <source>Reference images</source>
        <translation>Reference images</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Context scale</source>
        <translation>Context scale</translation>
    </message>
    <message>
        <source>How strongly the source video and references steer the result (default 1.0)</source>
        <translation>How strongly the source video and references steer the result (default 1.0)</translation>
    </message>
    <message>
        <source>Keep the source's size and length</source>
        <translation>Keep the source's size and length</translation>
    </message>
    <message>
        <source>Without a source video the video is generated at the chosen size and length; a mask needs a source video.</source>
        <translation>Without a source video the video is generated at the chosen size and length; a mask needs a source video.</translation>
    </message>
    <message>
        <source>Not added: %1. Reference images must be PNG, JPEG, WebP or BMP files; drop image files from a folder.</source>
        <translation>Not added: %1. Reference images must be PNG, JPEG, WebP or BMP files; drop image files from a folder.</translation>
    </message>
    <message>
        <source>Nothing to add: drop image files (PNG, JPEG, WebP or BMP) onto the reference list.</source>
        <translation>Nothing to add: drop image files (PNG, JPEG, WebP or BMP) onto the reference list.</translation>
    </message>
    <message>
        <source>Choose the source video first: the mask is drawn over its first frame.</source>
        <translation>Choose the source video first: the mask is drawn over its first frame.</translation>
    </message>
    <message>
        <source>Draw…</source>
        <translation>Draw…</translation>
    </message>
    <message>
        <source>Paint the mask over the source video's first frame</source>
        <translation>Paint the mask over the source video's first frame</translation>
    </message>
    <message>
        <source>Drop image files here, or add them with the button</source>
        <translation>Drop image files here, or add them with the button</translation>
    </message>
</context>
<context>
    <name>wan::ui::VariationSheetDialog</name>
    <message>
        <source>Missing: no longer in the queue</source>
        <translation>Missing: no longer in the queue</translation>
    </message>
    <message>
        <source>Missing: the result file is gone</source>
        <translation>Missing: the result file is gone</translation>
    </message>
    <message>
        <source>%1 %2%</source>
        <translation>%1 %2%</translation>
    </message>
    <message>
        <source>Kept</source>
        <translation>Kept</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Keep</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>No job of this group is left in the queue.</source>
        <translation>No job of this group is left in the queue.</translation>
    </message>
    <message>
        <source>Frame %1 of %2</source>
        <translation>Frame %1 of %2</translation>
    </message>
    <message numerus="yes">
        <source>Keep only %1 and discard the other %n job(s) of this group? Their results go to the trash and they leave the queue.</source>
        <translation><numerusform>Keep only %1 and discard the other %n job(s) of this group? Their results go to the trash and they leave the queue.</numerusform><numerusform>Keep only %1 and discard the other %n job(s) of this group? Their results go to the trash and they leave the queue.</numerusform></translation>
    </message>
    <message>
        <source>The running job is left alone; cancel it in the render queue.</source>
        <translation>The running job is left alone; cancel it in the render queue.</translation>
    </message>
    <message>
        <source>Discard the others</source>
        <translation>Discard the others</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>Variations</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Play</translation>
    </message>
    <message>
        <source>Discard the others…</source>
        <translation>Discard the others…</translation>
    </message>
    <message>
        <source>Keep only the kept result: the group's other jobs leave the queue and their folders go to the trash (asks first)</source>
        <translation>Keep only the kept result: the group's other jobs leave the queue and their folders go to the trash (asks first)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>wan::ui::VariationsDialog</name>
    <message>
        <source>Steps are whole numbers (got %1).</source>
        <translation>Steps are whole numbers (got %1).</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) queued as one group: %1</source>
        <translation><numerusform>%n job(s) queued as one group: %1</numerusform><numerusform>%n job(s) queued as one group: %1</numerusform></translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>Variations</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>Seeds:</translation>
    </message>
    <message>
        <source>The seed is random: each job gets its own random seed, drawn now and shown on its cell.</source>
        <translation>The seed is random: each job gets its own random seed, drawn now and shown on its cell.</translation>
    </message>
    <message>
        <source>Seeds %1, %2, … counted up from the form's seed.</source>
        <translation>Seeds %1, %2, … counted up from the form's seed.</translation>
    </message>
    <message>
        <source>Grid (every combination, at most %1):</source>
        <translation>Grid (every combination, at most %1):</translation>
    </message>
    <message>
        <source>Guidance:</source>
        <translation>Guidance:</translation>
    </message>
    <message>
        <source>Shift:</source>
        <translation>Shift:</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>Steps:</translation>
    </message>
    <message>
        <source>values, e.g. 4; 5; 6 (empty: the form's)</source>
        <translation>values, e.g. 4; 5; 6 (empty: the form's)</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>Add to queue</translation>
    </message>
</context>
<context>
    <name>wan::ui::ViewMenu</name>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Theme</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Follow the system</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Light</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dark</translation>
    </message>
</context>
</TS>