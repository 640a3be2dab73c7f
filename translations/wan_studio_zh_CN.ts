<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ClipFrames</name>
    <message>
        <source>Cannot read the picture %1: %2.</source>
        <translation>无法读取图片 %1：%2。</translation>
    </message>
    <message>
        <source>This build cannot play %1.</source>
        <translation>此版本无法播放 %1。</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Choose the folder of an official Wan2.1 model (for example Wan-AI/Wan2.1-T2V-1.3B from Hugging Face or ModelScope) that contains every file listed under the model folder field.</source>
        <translation>请选择官方 Wan2.1 模型的文件夹（例如 Hugging Face 或 ModelScope 上的 Wan-AI/Wan2.1-T2V-1.3B），其中须包含模型文件夹一栏下列出的所有文件。</translation>
    </message>
    <message>
        <source>A model file is damaged or incomplete, usually from an interrupted download. Download that file again.</source>
        <translation>某个模型文件已损坏或不完整，通常是下载中断所致。请重新下载该文件。</translation>
    </message>
    <message>
        <source>Check that the output folder exists, is writable and that the disk is not full (Settings → Output folder).</source>
        <translation>请确认输出文件夹存在且可写，并且磁盘没有满（设置 → 输出文件夹）。</translation>
    </message>
    <message>
        <source>Use another input image (PNG, JPEG, WebP or BMP) or save it again with an image editor.</source>
        <translation>请换一张输入图片（PNG、JPEG、WebP 或 BMP），或用图片编辑器重新保存。</translation>
    </message>
    <message>
        <source>Not enough memory. Try a smaller size, fewer frames, the memory mode “Offload” or “T5 on CPU”, or close other programs.</source>
        <translation>内存不足。请尝试更小的尺寸、更少的帧数、内存模式“卸载”或“文本编码器放在 CPU”，或关闭其他程序。</translation>
    </message>
    <message>
        <source>Check the generation settings: sizes must be multiples of 16 and frame counts 4n+1.</source>
        <translation>请检查生成设置：尺寸必须是 16 的倍数，帧数必须是 4n+1。</translation>
    </message>
    <message>
        <source>Check the network connection or turn prompt extension off.</source>
        <translation>请检查网络连接，或关闭提示词扩写。</translation>
    </message>
    <message>
        <source>This is a bug. The log (Help → Open log) has the details; please include it in a report.</source>
        <translation>这是程序缺陷。日志（帮助 → 打开日志）中有详细信息，报告问题时请附上日志。</translation>
    </message>
    <message>
        <source>Add the LoRA file again in the LoRA list, or remove it from the job.</source>
        <translation>请在 LoRA 列表中重新添加该 LoRA 文件，或将其从任务中移除。</translation>
    </message>
    <message>
        <source>Drop the input image (or both frames) on the form.</source>
        <translation>请把输入图像（或首尾两帧）拖到表单上。</translation>
    </message>
    <message>
        <source>Set the LoRA mode to Automatic or On the fly.</source>
        <translation>请将 LoRA 模式设为“自动”或“即时应用”。</translation>
    </message>
    <message>
        <source>The job's settings are not valid.</source>
        <translation>任务设置无效。</translation>
    </message>
    <message>
        <source>The model is incomplete or not a Wan2.1 model.</source>
        <translation>模型不完整，或不是 Wan2.1 模型。</translation>
    </message>
    <message>
        <source>A model file is damaged.</source>
        <translation>某个模型文件已损坏。</translation>
    </message>
    <message>
        <source>A file could not be read or written.</source>
        <translation>无法读取或写入某个文件。</translation>
    </message>
    <message>
        <source>The input image cannot be used.</source>
        <translation>无法使用输入图片。</translation>
    </message>
    <message>
        <source>There is not enough memory for this job.</source>
        <translation>内存不足，无法运行此任务。</translation>
    </message>
    <message>
        <source>The job was cancelled.</source>
        <translation>任务已取消。</translation>
    </message>
    <message>
        <source>The network request failed.</source>
        <translation>网络请求失败。</translation>
    </message>
    <message>
        <source>Something went wrong inside the engine.</source>
        <translation>推理引擎内部出错。</translation>
    </message>
    <message>
        <source>The job failed.</source>
        <translation>任务失败。</translation>
    </message>
    <message>
        <source>The number of steps must be between 1 and 1000.</source>
        <translation>步数必须在 1 到 1000 之间。</translation>
    </message>
    <message>
        <source>The shift must be a positive number.</source>
        <translation>偏移（shift）必须是正数。</translation>
    </message>
    <message>
        <source>The guidance must be a finite number.</source>
        <translation>引导强度必须是有限的数值。</translation>
    </message>
    <message>
        <source>The seed must be 0 or more, or random.</source>
        <translation>种子必须大于或等于 0，或设为随机。</translation>
    </message>
    <message>
        <source>Each LoRA needs a file and a finite strength.</source>
        <translation>每个 LoRA 都需要一个文件和有限的强度值。</translation>
    </message>
    <message>
        <source>A LoRA file of this job does not exist.</source>
        <translation>此任务的某个 LoRA 文件不存在。</translation>
    </message>
    <message>
        <source>The step cache threshold must be a finite number.</source>
        <translation>步骤缓存阈值必须是有限的数值。</translation>
    </message>
    <message>
        <source>The GPU memory budget must be between 0.5 and 4096 GiB.</source>
        <translation>显存预算必须在 0.5 到 4096 GiB 之间。</translation>
    </message>
    <message>
        <source>The size is out of range: each side must be between 1 and 8192 pixels.</source>
        <translation>尺寸超出范围：每条边必须在 1 到 8192 像素之间。</translation>
    </message>
    <message>
        <source>Width and height must be multiples of 16.</source>
        <translation>宽度和高度必须是 16 的倍数。</translation>
    </message>
    <message>
        <source>The size is too small for this task.</source>
        <translation>尺寸对此任务来说太小。</translation>
    </message>
    <message>
        <source>The frame count does not fit: videos take 4n+1 frames (5, 9, …, 81), images one.</source>
        <translation>帧数不符合要求：视频需要 4n+1 帧（5、9……81），图片为 1 帧。</translation>
    </message>
    <message>
        <source>There are more frames than the maximum of %1: make longer videos in parts.</source>
        <translation>帧数超过了上限 %1：请分段制作较长的视频。</translation>
    </message>
    <message>
        <source>The job has no file or folder to write its result to.</source>
        <translation>任务没有可写入结果的文件或文件夹。</translation>
    </message>
    <message>
        <source>The job holds an input file that its task does not take.</source>
        <translation>任务包含了其任务类型不接受的输入文件。</translation>
    </message>
    <message>
        <source>The VACE context scale must be a finite number.</source>
        <translation>VACE 上下文强度必须是有限的数值。</translation>
    </message>
    <message>
        <source>An input image is missing.</source>
        <translation>缺少输入图片。</translation>
    </message>
    <message>
        <source>First &amp; last frame to video needs at least 5 frames.</source>
        <translation>首尾帧生成视频至少需要 5 帧。</translation>
    </message>
    <message>
        <source>A PNG holds one frame: save videos as MP4.</source>
        <translation>PNG 只能保存一帧：请将视频保存为 MP4。</translation>
    </message>
    <message>
        <source>The frame rate must be between 1 and 240 fps.</source>
        <translation>帧率必须在 1 到 240 fps 之间。</translation>
    </message>
    <message>
        <source>LoRAs cannot be merged into a model that is streamed block by block.</source>
        <translation>无法将 LoRA 合并到逐块流式加载的模型中。</translation>
    </message>
    <message>
        <source>The settings file is not valid JSON.</source>
        <translation>设置文件不是有效的 JSON。</translation>
    </message>
    <message>
        <source>The settings file holds a key this version does not know.</source>
        <translation>设置文件包含此版本无法识别的键。</translation>
    </message>
    <message>
        <source>The settings file holds a value that is not valid.</source>
        <translation>设置文件包含无效的值。</translation>
    </message>
    <message>
        <source>The settings file was written by a newer version of Wan Studio.</source>
        <translation>设置文件由更新版本的 Wan Studio 写入。</translation>
    </message>
    <message>
        <source>Details: %1</source>
        <translation>详细信息：%1</translation>
    </message>
    <message>
        <source>The chosen part of the input image does not fit in it: frame the image again.</source>
        <translation>所选的输入图像区域超出了图像范围：请重新框选图像。</translation>
    </message>
</context>
<context>
    <name>ExportFile</name>
    <message>
        <source>%1 is the job's own file: choose another name or folder.</source>
        <translation>%1 是该任务自己的文件：请选择其他文件名或文件夹。</translation>
    </message>
    <message>
        <source>Could not read %1: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <source>Could not write %1: %2.</source>
        <translation>无法写入 %1：%2。</translation>
    </message>
</context>
<context>
    <name>GalleryModel</name>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <source>%1 is not a settings file of Wan Studio (it is not a JSON object).</source>
        <translation>%1 不是 Wan Studio 的设置文件（它不是 JSON 对象）。</translation>
    </message>
    <message>
        <source>Cannot read the picture %1: %2.</source>
        <translation>无法读取图片 %1：%2。</translation>
    </message>
    <message>
        <source>%1 was not made by Wan Studio: it carries no generation settings. Drop a video or picture that Wan Studio made, or the settings.json from its job folder.</source>
        <translation>%1 不是 Wan Studio 生成的：其中没有生成设置。请拖入 Wan Studio 生成的视频或图片，或其任务文件夹中的 settings.json。</translation>
    </message>
    <message>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 不存在或不是文件。</translation>
    </message>
    <message>
        <source>%1 holds settings Wan Studio cannot read: %2</source>
        <translation>%1 中的设置 Wan Studio 无法读取：%2</translation>
    </message>
    <message>
        <source>%1 is not a result of Wan Studio: drop an MP4 or PNG it made, or a settings.json.</source>
        <translation>%1 不是 Wan Studio 的生成结果：请拖入它生成的 MP4 或 PNG，或 settings.json。</translation>
    </message>
    <message>
        <source>This build cannot read video metadata; drop the settings.json from the job folder of %1.</source>
        <translation>此版本无法读取视频元数据；请拖入 %1 所在任务文件夹中的 settings.json。</translation>
    </message>
</context>
<context>
    <name>GenerationWarnings</name>
    <message>
        <source>The %1 model was not trained at %2×%3 (it knows %4): the video may come out distorted or repeated.</source>
        <translation>%1 模型没有在 %2×%3 下训练过（它熟悉 %4）：视频可能变形或出现重复。</translation>
    </message>
    <message>
        <source>The %1 model was trained on clips of up to %2 frames: at %3 the motion may loop or lose coherence. Longer videos come out better in parts.</source>
        <translation>%1 模型训练时的片段最多 %2 帧：在 %3 帧时动作可能循环或失去连贯。较长的视频分段生成效果更好。</translation>
    </message>
</context>
<context>
    <name>ImageInput</name>
    <message>
        <source>%1 is not a supported image. Use a PNG, JPEG, WebP or BMP file.</source>
        <translation>%1 不是支持的图片。请使用 PNG、JPEG、WebP 或 BMP 文件。</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 不存在。</translation>
    </message>
    <message>
        <source>This system cannot read %1 images: install the Qt image format plugins (Debian: qt6-image-formats-plugins) or convert %2 to PNG.</source>
        <translation>本系统无法读取 %1 图片：请安装 Qt 图片格式插件（Debian：qt6-image-formats-plugins），或将 %2 转换为 PNG。</translation>
    </message>
    <message>
        <source>%1 could not be read as an image (%2). The file may be damaged.</source>
        <translation>无法将 %1 作为图片读取（%2）。文件可能已损坏。</translation>
    </message>
    <message>
        <source>Nothing to use here.</source>
        <translation>这里没有可用的内容。</translation>
    </message>
    <message>
        <source>Only image files can be used here (PNG, JPEG, WebP, BMP). For an image on a web page, save it first or drag the picture itself.</source>
        <translation>这里只能使用图片文件（PNG、JPEG、WebP、BMP）。网页上的图片请先保存，或直接拖动图片本身。</translation>
    </message>
    <message>
        <source>This is not an image. Drop or paste a PNG, JPEG, WebP or BMP image.</source>
        <translation>这不是图片。请拖入或粘贴 PNG、JPEG、WebP 或 BMP 图片。</translation>
    </message>
</context>
<context>
    <name>InferenceWorker</name>
    <message>
        <source>Out of memory.</source>
        <translation>内存不足。</translation>
    </message>
    <message>
        <source>Unknown error in the engine.</source>
        <translation>推理引擎发生未知错误。</translation>
    </message>
</context>
<context>
    <name>JobInputs</name>
    <message>
        <source>Could not create the folder %1 for the job's input pictures. Check that the disk is writable.</source>
        <translation>无法创建用于存放任务输入图片的文件夹 %1。请检查磁盘是否可写。</translation>
    </message>
    <message>
        <source>Could not create a folder in %1 for the job's input pictures. Check that the disk is writable.</source>
        <translation>无法在 %1 中创建用于存放任务输入图片的文件夹。请检查磁盘是否可写。</translation>
    </message>
    <message>
        <source>Could not copy %1 into the job's input folder %2. Check that the picture still exists and the disk has free space.</source>
        <translation>无法将 %1 复制到任务的输入文件夹 %2。请检查图片是否仍然存在，以及磁盘是否有剩余空间。</translation>
    </message>
</context>
<context>
    <name>JobState</name>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>MemoryPlan</name>
    <message>
        <source>text encoder on the processor</source>
        <translation>文本编码器在处理器上</translation>
    </message>
    <message>
        <source>models moved off the GPU between stages</source>
        <translation>各阶段之间将模型移出 GPU</translation>
    </message>
    <message>
        <source>DiT streamed block by block</source>
        <translation>DiT 逐块流式载入</translation>
    </message>
    <message>
        <source>every model on the GPU</source>
        <translation>所有模型都在 GPU 上</translation>
    </message>
    <message>
        <source>video decoded in tiles</source>
        <translation>分块解码视频</translation>
    </message>
    <message>
        <source>GPU %1: %2.</source>
        <translation>GPU %1：%2。</translation>
    </message>
    <message>
        <source>About %1 GB of GPU memory, of %2 GB it may use.</source>
        <translation>约占用 %1 GB 显存，可用上限 %2 GB。</translation>
    </message>
    <message>
        <source>About %1 GB of GPU memory (free memory unknown).</source>
        <translation>约占用 %1 GB 显存（空闲显存未知）。</translation>
    </message>
    <message>
        <source>Processor.</source>
        <translation>处理器。</translation>
    </message>
    <message>
        <source>Processor: %1.</source>
        <translation>处理器：%1。</translation>
    </message>
    <message>
        <source>About %1 GB of system memory, of %2 GB free.</source>
        <translation>约占用 %1 GB 系统内存，当前空闲 %2 GB。</translation>
    </message>
    <message>
        <source>About %1 GB of system memory.</source>
        <translation>约占用 %1 GB 系统内存。</translation>
    </message>
    <message>
        <source>It would not fit: %1</source>
        <translation>放不下：%1</translation>
    </message>
    <message>
        <source>video decoded in tiles of %1 pixels</source>
        <translation>视频以 %1 像素的分块解码</translation>
    </message>
</context>
<context>
    <name>QueueRunner</name>
    <message>
        <source>Could not create the job folder %1.</source>
        <translation>无法创建任务文件夹 %1。</translation>
    </message>
    <message>
        <source>Could not write %1: %2.</source>
        <translation>无法写入 %1：%2。</translation>
    </message>
</context>
<context>
    <name>QueueStore</name>
    <message>
        <source>Could not save the render queue to %1: %2. Check that the disk is not full and the folder is writable.</source>
        <translation>无法将渲染队列保存到 %1：%2。请确认磁盘未满且文件夹可写。</translation>
    </message>
    <message>
        <source>the file is damaged (%1 at byte %2), probably written only in part</source>
        <translation>文件已损坏（第 %2 字节处：%1），可能只写入了一部分</translation>
    </message>
    <message>
        <source>the file is not a Wan Studio queue</source>
        <translation>该文件不是 Wan Studio 的队列文件</translation>
    </message>
    <message>
        <source>the file was written by a newer version of Wan Studio</source>
        <translation>该文件由更新版本的 Wan Studio 写入</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) could not be read</source>
        <translation><numerusform>有 %n 个任务无法读取</numerusform></translation>
    </message>
    <message>
        <source>The render queue file could not be fully read (%1). It was kept as %2.</source>
        <translation>渲染队列文件未能完整读取（%1）。原文件已保留为 %2。</translation>
    </message>
    <message>
        <source>The render queue file %1 could not be fully read (%2).</source>
        <translation>渲染队列文件 %1 未能完整读取（%2）。</translation>
    </message>
    <message>
        <source>The render queue is not saved: %1 could not be read nor moved aside, and saving would replace it.</source>
        <translation>渲染队列未保存：%1 既无法读取也无法移到一旁，保存会覆盖它。</translation>
    </message>
    <message>
        <source>the file cannot be read: %1</source>
        <translation>无法读取该文件：%1</translation>
    </message>
    <message>
        <source>the file cannot be opened: %1</source>
        <translation>无法打开该文件：%1</translation>
    </message>
</context>
<context>
    <name>SetupAdvisor</name>
    <message>
        <source>No NVIDIA GPU was found, so start with the built-in demo model, which makes a short clip on the processor in seconds; a real Wan model would take hours per video here.</source>
        <translation>未找到 NVIDIA GPU，因此建议先使用内置演示模型，它在处理器上几秒钟即可生成一段短片；真正的 Wan 模型在这里生成一个视频需要数小时。</translation>
    </message>
    <message>
        <source>No NVIDIA GPU was found: the smallest model, text to video 1.3B, is recommended, but on the processor one video takes hours.</source>
        <translation>未找到 NVIDIA GPU：推荐最小的模型文生视频 1.3B，但在处理器上生成一个视频需要数小时。</translation>
    </message>
    <message>
        <source>With %1 of GPU memory only the 1.3B model can run, with each model on the GPU only for its stage and the text encoder on the processor; keep to 480P and expect it to be tight.</source>
        <translation>GPU 显存为 %1 时只能运行 1.3B 模型，每个模型只在其阶段占用 GPU，文本编码器在处理器上运行；请使用 480P，显存会比较紧张。</translation>
    </message>
    <message>
        <source>The 1.3B model needs about 8 GB at 480P with each model on the GPU only for its stage and the text encoder on the processor, which fits the %1 of this GPU.</source>
        <translation>在 480P 下，每个模型只在其阶段占用 GPU、文本编码器在处理器上运行时，1.3B 模型约需 8 GB，这块 GPU 的 %1 足够。</translation>
    </message>
    <message>
        <source>With %1 the 1.3B model's DiT and VAE stay on the GPU while the 11 GB text encoder runs on the processor, the fastest setup that fits.</source>
        <translation>有 %1 显存时，1.3B 模型的 DiT 和 VAE 常驻 GPU，11 GB 的文本编码器在处理器上运行，这是能放下的最快配置。</translation>
    </message>
    <message>
        <source>A 4-bit GGUF of the 14B model (about 10 GB) gives 14B quality within %1 when each model is on the GPU only for its stage.</source>
        <translation>14B 模型的 4 位 GGUF 版本（约 10 GB）在每个模型只在其阶段占用 GPU 时，可在 %1 显存内提供 14B 的画质。</translation>
    </message>
    <message>
        <source>The 14B model in fp8 (about 14 GB) fits the %1 of this GPU with each model on the GPU only for its stage.</source>
        <translation>fp8 格式的 14B 模型（约 14 GB）在每个模型只在其阶段占用 GPU 时，可放入这块 GPU 的 %1 显存。</translation>
    </message>
    <message>
        <source>With %1 of GPU memory the official 14B model keeps every part on the GPU for the fastest runs.</source>
        <translation>GPU 显存为 %1 时，官方 14B 模型的所有部分都可常驻 GPU，运行最快。</translation>
    </message>
    <message>
        <source>Only %1 is free on the drive of the models folder but the download needs about %2: free some space or choose another models folder.</source>
        <translation>模型文件夹所在磁盘只剩 %1 可用空间，而下载约需 %2：请释放一些空间或选择其他模型文件夹。</translation>
    </message>
    <message>
        <source>no NVIDIA GPU</source>
        <translation>无 NVIDIA GPU</translation>
    </message>
    <message>
        <source>%1 with %2</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 with %2 (and %3 more GPUs)</source>
        <translation>%1（%2，另有 %3 块 GPU）</translation>
    </message>
    <message>
        <source>%1; %2 of memory; %3 free for models</source>
        <translation>%1；内存 %2；可用于模型的空间 %3</translation>
    </message>
    <message>
        <source>everything on the GPU</source>
        <translation>全部在 GPU 上</translation>
    </message>
    <message>
        <source>text encoder on the processor</source>
        <translation>文本编码器在处理器上</translation>
    </message>
    <message>
        <source>each model on the GPU only for its stage</source>
        <translation>每个模型只在其阶段占用 GPU</translation>
    </message>
    <message>
        <source>offload, text encoder on the processor</source>
        <translation>卸载，文本编码器在处理器上</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
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
        <translation>将表单中的任务加入队列</translation>
    </message>
    <message>
        <source>Export the selected or shown result</source>
        <translation>导出选中或正在显示的结果</translation>
    </message>
    <message>
        <source>Paste an image as the first frame</source>
        <translation>粘贴图片作为首帧</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Show the keyboard shortcuts</source>
        <translation>显示键盘快捷键</translation>
    </message>
    <message>
        <source>Pause or resume the queue</source>
        <translation>暂停或继续队列</translation>
    </message>
    <message>
        <source>Move the selected job up</source>
        <translation>上移选中的任务</translation>
    </message>
    <message>
        <source>Move the selected job down</source>
        <translation>下移选中的任务</translation>
    </message>
    <message>
        <source>Remove the selected job</source>
        <translation>移除选中的任务</translation>
    </message>
    <message>
        <source>Retry the selected failed or cancelled job</source>
        <translation>重试选中的失败或已取消任务</translation>
    </message>
    <message>
        <source>Play or pause</source>
        <translation>播放或暂停</translation>
    </message>
    <message>
        <source>One frame back</source>
        <translation>后退一帧</translation>
    </message>
    <message>
        <source>One frame forward</source>
        <translation>前进一帧</translation>
    </message>
    <message>
        <source>Loop on or off</source>
        <translation>开启或关闭循环</translation>
    </message>
    <message>
        <source>Open the selected result in the player</source>
        <translation>在播放器中打开选中的结果</translation>
    </message>
    <message>
        <source>Move the selected result to the trash</source>
        <translation>将选中的结果移到回收站</translation>
    </message>
    <message>
        <source>Search the gallery's prompts</source>
        <translation>搜索图库中的提示词</translation>
    </message>
    <message>
        <source>Render queue</source>
        <translation>渲染队列</translation>
    </message>
    <message>
        <source>Player</source>
        <translation>播放器</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>作品库</translation>
    </message>
    <message>
        <source>Anywhere</source>
        <translation>任意位置</translation>
    </message>
</context>
<context>
    <name>SourceFrames</name>
    <message>
        <source>Cannot read the video %1: %2</source>
        <translation>无法读取视频 %1：%2</translation>
    </message>
    <message>
        <source>Cannot read the frame %1 (%2). Replace it with a readable PNG file.</source>
        <translation>无法读取帧 %1（%2）。请换成可读取的 PNG 文件。</translation>
    </message>
    <message>
        <source>%1 does not exist. Choose a video file or a folder of PNG frames.</source>
        <translation>%1 不存在。请选择视频文件或包含 PNG 帧的文件夹。</translation>
    </message>
    <message>
        <source>The folder %1 holds no PNG frames (*.png). Choose a folder of numbered PNG frames or a video file.</source>
        <translation>文件夹 %1 中没有 PNG 帧（*.png）。请选择包含按序编号的 PNG 帧的文件夹，或选择视频文件。</translation>
    </message>
    <message>
        <source>This build cannot decode the video %1. Export its frames as PNG files into a folder and choose the folder.</source>
        <translation>此版本无法解码视频 %1。请将其各帧导出为 PNG 文件放入一个文件夹，然后选择该文件夹。</translation>
    </message>
    <message>
        <source>The video %1 holds no readable frames. Choose another video or a folder of PNG frames.</source>
        <translation>视频 %1 中没有可读取的帧。请选择其他视频或包含 PNG 帧的文件夹。</translation>
    </message>
</context>
<context>
    <name>Task</name>
    <message>
        <source>Text to video</source>
        <translation>文生视频</translation>
    </message>
    <message>
        <source>Image to video</source>
        <translation>图生视频</translation>
    </message>
    <message>
        <source>Text to image</source>
        <translation>文生图</translation>
    </message>
    <message>
        <source>First &amp; last frame to video</source>
        <translation>首尾帧生成视频</translation>
    </message>
    <message>
        <source>Video editing (VACE)</source>
        <translation>视频编辑（VACE）</translation>
    </message>
</context>
<context>
    <name>Variations</name>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>偏移</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>"%1" is not a number.</source>
        <translation>“%1”不是数字。</translation>
    </message>
    <message>
        <source>Choose between %1 and %2 seeds.</source>
        <translation>请选择 %1 到 %2 个种子。</translation>
    </message>
    <message>
        <source>A value is listed twice; list each value once.</source>
        <translation>有数值重复列出；每个数值只列一次。</translation>
    </message>
    <message>
        <source>List two or more values for guidance, shift or steps.</source>
        <translation>请为引导强度、偏移或步数列出两个或更多数值。</translation>
    </message>
    <message>
        <source>%1 combinations: a grid holds at most %2. List fewer values.</source>
        <translation>共 %1 种组合：网格最多容纳 %2 种。请减少数值。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Could not move %1 to the trash; that job was kept.</source>
        <translation>无法将 %1 移到回收站；该任务已保留。</translation>
    </message>
</context>
<context>
    <name>VideoExport</name>
    <message>
        <source>Could not export %1: %2</source>
        <translation>无法导出 %1：%2</translation>
    </message>
    <message>
        <source>retimed, no new frames: plays %1× as fast</source>
        <translation>仅改变时间，不生成新帧：以 %1 倍速播放</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message numerus="yes">
        <source>%n job(s) were running when Wan Studio stopped and are queued again (%1 will only be decoded from their saved latents). The queue is paused: press “Resume queue” to go on.</source>
        <translation><numerusform>Wan Studio 上次退出时有 %n 个任务正在运行，现已重新排队（其中 %1 个将直接从已保存的潜变量解码）。队列已暂停：点击“继续队列”以继续。</numerusform></translation>
    </message>
    <message>
        <source>Wan Studio is already running for this user (its data folder %1 is in use). Switch to the open window, or close it first.</source>
        <translation>Wan Studio 已在为当前用户运行（其数据文件夹 %1 正在使用中）。请切换到已打开的窗口，或先将其关闭。</translation>
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
        <translation>尚未设置输出文件夹：请在“设置”中选择。</translation>
    </message>
    <message>
        <source>The output folder %1 is a file, not a folder: choose another output folder in Settings.</source>
        <translation>输出文件夹 %1 是一个文件而不是文件夹：请在“设置”中选择其他输出文件夹。</translation>
    </message>
    <message>
        <source>The output folder %1 cannot be created: %2 is a file. Choose another output folder in Settings.</source>
        <translation>无法创建输出文件夹 %1：%2 是一个文件。请在“设置”中选择其他输出文件夹。</translation>
    </message>
    <message>
        <source>The output folder %1 is not writable: choose another output folder in Settings, or allow writing to it.</source>
        <translation>输出文件夹 %1 不可写：请在“设置”中选择其他输出文件夹，或允许写入该文件夹。</translation>
    </message>
    <message>
        <source>The output folder %1 cannot be created: %2 is not writable. Choose another output folder in Settings.</source>
        <translation>无法创建输出文件夹 %1：%2 不可写。请在“设置”中选择其他输出文件夹。</translation>
    </message>
    <message>
        <source>H.264 MP4</source>
        <translation>H.264 MP4</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
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
        <translation>WebM 视频 (*.webm)</translation>
    </message>
    <message>
        <source>FFV1 MKV (lossless)</source>
        <translation>FFV1 MKV（无损）</translation>
    </message>
    <message>
        <source>Matroska video (*.mkv)</source>
        <translation>Matroska 视频 (*.mkv)</translation>
    </message>
    <message>
        <source>GIF (256 colours)</source>
        <translation>GIF（256 色）</translation>
    </message>
    <message>
        <source>GIF animation (*.gif)</source>
        <translation>GIF 动画 (*.gif)</translation>
    </message>
    <message>
        <source>PNG sequence (a folder)</source>
        <translation>PNG 序列（一个文件夹）</translation>
    </message>
</context>
<context>
    <name>wan::ui::ClipPickerDialog</name>
    <message>
        <source>Bridge two clips</source>
        <translation>衔接两个片段</translation>
    </message>
    <message>
        <source>The new clip starts on the last frame of the clip shown and ends on the first frame of the clip you pick:</source>
        <translation>新片段以当前片段的最后一帧开始，以你选择的片段的第一帧结束：</translation>
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
        <translation>导出为</translation>
    </message>
    <message>
        <source>%1 — not in this build</source>
        <translation>%1 — 此版本不支持</translation>
    </message>
    <message>
        <source>The FFmpeg this copy of Wan Studio runs with has no encoder for %1.</source>
        <translation>本 Wan Studio 所用的 FFmpeg 没有 %1 编码器。</translation>
    </message>
    <message>
        <source>%1 fps (as generated)</source>
        <translation>%1 fps（与生成时相同）</translation>
    </message>
    <message>
        <source>%1 fps (%2)</source>
        <translation>%1 fps（%2）</translation>
    </message>
    <message>
        <source>Other rates show the same frames faster: this build makes no new frames (no frame interpolation yet).</source>
        <translation>其他帧率只是更快地播放相同的帧：此版本不会生成新帧（尚无插帧）。</translation>
    </message>
    <message>
        <source>Lossless (FFV1 MKV: the frames exactly)</source>
        <translation>无损（FFV1 MKV：逐帧完全一致）</translation>
    </message>
    <message>
        <source>Include the prompt, seed and settings (JSON)</source>
        <translation>包含提示词、种子和设置（JSON）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Frame rate:</source>
        <translation>帧率：</translation>
    </message>
    <message>
        <source>Quality:</source>
        <translation>质量：</translation>
    </message>
    <message>
        <source>Metadata:</source>
        <translation>元数据：</translation>
    </message>
    <message>
        <source>Save to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Source: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <source>Plays everywhere. Lower CRF: better and larger.</source>
        <translation>几乎所有播放器都能播放。CRF 越低，质量越好、文件越大。</translation>
    </message>
    <message>
        <source>About half the size of H.264 at the same quality; not every player has it.</source>
        <translation>同等质量下约为 H.264 的一半大小；并非所有播放器都支持。</translation>
    </message>
    <message>
        <source>For the web. Lower CRF: better and larger.</source>
        <translation>适用于网页。CRF 越低，质量越好、文件越大。</translation>
    </message>
    <message>
        <source>Lossless: the decoded frames exactly, for editing. Large.</source>
        <translation>无损：与解码后的帧完全一致，适合剪辑。文件很大。</translation>
    </message>
    <message>
        <source>256 colours, loops; no settings stored.</source>
        <translation>256 色，循环播放；不保存设置。</translation>
    </message>
    <message>
        <source>A folder of numbered PNG frames, each with the settings.</source>
        <translation>一个包含编号 PNG 帧的文件夹，每帧都带有设置。</translation>
    </message>
    <message>
        <source>GIF files hold no settings.</source>
        <translation>GIF 文件无法保存设置。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>CRF %1</source>
        <translation>CRF %1</translation>
    </message>
    <message>
        <source>lossless</source>
        <translation>无损</translation>
    </message>
    <message>
        <source>256 colours</source>
        <translation>256 色</translation>
    </message>
    <message>
        <source>Folder to put the PNG sequence in</source>
        <translation>存放 PNG 序列的文件夹</translation>
    </message>
    <message>
        <source>Choose where to save the export.</source>
        <translation>请选择导出的保存位置。</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>正在导出到 %1…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Export cancelled: nothing was written.</source>
        <translation>导出已取消：没有写入任何文件。</translation>
    </message>
    <message>
        <source>Lossless (%1 in 4:4:4: exact, large; not every player has it)</source>
        <translation>无损（%1，4:4:4：逐帧精确，文件大；并非所有播放器都支持）</translation>
    </message>
    <message>
        <source>%p% (frame %v of %m)</source>
        <translation>%p%（第 %v 帧，共 %m 帧）</translation>
    </message>
</context>
<context>
    <name>wan::ui::FirstRunWizard</name>
    <message>
        <source>Welcome to Wan Studio</source>
        <translation>欢迎使用 Wan Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;Let's get a model to make videos with.&lt;/b&gt;&lt;br&gt;Wan Studio looked at this computer and suggests a model that fits it.</source>
        <translation>&lt;b&gt;先准备一个用来生成视频的模型。&lt;/b&gt;&lt;br&gt;Wan Studio 已检查这台电脑，并推荐一个适合它的模型。</translation>
    </message>
    <message>
        <source>Checking this computer…</source>
        <translation>正在检查这台电脑…</translation>
    </message>
    <message>
        <source>Download the recommended model</source>
        <translation>下载推荐的模型</translation>
    </message>
    <message>
        <source>I already have the files…</source>
        <translation>我已经有模型文件…</translation>
    </message>
    <message>
        <source>Use the built-in demo model</source>
        <translation>使用内置演示模型</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <source>Folder with the Wan2.1 model files</source>
        <translation>存放 Wan2.1 模型文件的文件夹</translation>
    </message>
    <message>
        <source>This computer: %1.</source>
        <translation>这台电脑：%1。</translation>
    </message>
    <message>
        <source>Recommended: &lt;b&gt;the built-in demo model&lt;/b&gt;.</source>
        <translation>推荐：&lt;b&gt;内置演示模型&lt;/b&gt;。</translation>
    </message>
    <message>
        <source>Recommended: &lt;b&gt;%1&lt;/b&gt; (about %2), memory mode: %3.</source>
        <translation>推荐：&lt;b&gt;%1&lt;/b&gt;（约 %2），内存模式：%3。</translation>
    </message>
    <message>
        <source>Download %1 anyway</source>
        <translation>仍然下载 %1</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>下载 %1</translation>
    </message>
</context>
<context>
    <name>wan::ui::FramingDialog</name>
    <message>
        <source>Frame the image</source>
        <translation>框选图像</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Whole image</source>
        <translation>整张图像</translation>
    </message>
    <message>
        <source>Use the whole image: the video takes its aspect ratio</source>
        <translation>使用整张图像：视频采用它的宽高比</translation>
    </message>
    <message>
        <source>The bright box is what the video shows, in the aspect ratio of the chosen size. Drag it to move it; use the mouse wheel, a corner or the slider to make it larger or smaller.</source>
        <translation>亮框是视频显示的内容，宽高比与所选尺寸一致。拖动可移动它；用鼠标滚轮、拖动角点或滑块可放大或缩小。</translation>
    </message>
    <message>
        <source>Output %1×%2 from the whole image (%3×%4)</source>
        <translation>输出 %1×%2，来自整张图像（%3×%4）</translation>
    </message>
    <message>
        <source>Output %1×%2 from a crop of %3×%4 at (%5, %6)</source>
        <translation>输出 %1×%2，来自位于 (%5, %6) 的 %3×%4 裁剪区域</translation>
    </message>
</context>
<context>
    <name>wan::ui::GalleryDock</name>
    <message>
        <source>Finished results show here.</source>
        <translation>完成的结果会显示在这里。</translation>
    </message>
    <message>
        <source>No result's prompt contains “%1”.</source>
        <translation>没有结果的提示词包含“%1”。</translation>
    </message>
    <message>
        <source>Select a result to see its settings.</source>
        <translation>选择一个结果以查看其设置。</translation>
    </message>
    <message>
        <source>Delete result</source>
        <translation>删除结果</translation>
    </message>
    <message>
        <source>Move this result's folder to the trash?

%1

The video, its settings and its log go with it; the job leaves the render queue.</source>
        <translation>将此结果的文件夹移到回收站吗？

%1

视频、其设置和日志会一并移走；该任务会从渲染队列中移除。</translation>
    </message>
    <message>
        <source>Moved %1 to the trash.</source>
        <translation>已将 %1 移到回收站。</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>作品库</translation>
    </message>
    <message>
        <source>Search prompts</source>
        <translation>搜索提示词</translation>
    </message>
    <message>
        <source>Load settings</source>
        <translation>载入设置</translation>
    </message>
    <message>
        <source>Put this result's settings into the form</source>
        <translation>把此结果的设置填入表单</translation>
    </message>
    <message>
        <source>Load settings: everything (same seed)</source>
        <translation>载入设置：全部（相同种子）</translation>
    </message>
    <message>
        <source>Load settings: prompt only</source>
        <translation>载入设置：仅提示词</translation>
    </message>
    <message>
        <source>Load settings: all but the seed</source>
        <translation>载入设置：除种子外全部</translation>
    </message>
    <message>
        <source>Last frame as I2V image</source>
        <translation>末帧作为图生视频图片</translation>
    </message>
    <message>
        <source>Use the video's last frame as the first frame of an image-to-video job</source>
        <translation>将视频的最后一帧用作图生视频任务的首帧</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move the result's folder to the trash (asks first)</source>
        <translation>将结果文件夹移到回收站（会先询问）</translation>
    </message>
    <message>
        <source>Move this result's folder to the trash?

%1

The video, its settings and its log go with it.</source>
        <translation>将此结果的文件夹移到回收站？

%1

视频、它的设置和日志会一起移走。</translation>
    </message>
    <message>
        <source>Variations…</source>
        <translation>变体…</translation>
    </message>
    <message>
        <source>Queue several seeds, or a grid of guidance, shift and steps, of this result's settings as one group</source>
        <translation>以此结果的设置，将多个种子或引导系数、偏移和步数的网格作为一组加入队列</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the output folder again for results made earlier or elsewhere</source>
        <translation>重新读取输出文件夹，查找之前或在别处生成的结果</translation>
    </message>
</context>
<context>
    <name>wan::ui::GalleryModel</name>
    <message>
        <source>Your prompt: %1</source>
        <translation>你的提示词：%1</translation>
    </message>
    <message>
        <source>%1 · %2×%3 · %4 frames</source>
        <translation>%1 · %2×%3 · %4 帧</translation>
    </message>
    <message>
        <source>Seed %1 · %2 steps · shift %3 · guidance %4</source>
        <translation>种子 %1 · %2 步 · 偏移 %3 · 引导 %4</translation>
    </message>
    <message>
        <source>Finished %1 in %2 s</source>
        <translation>完成于 %1，用时 %2 秒</translation>
    </message>
    <message>
        <source>That result is no longer in the gallery.</source>
        <translation>该结果已不在作品库中。</translation>
    </message>
    <message>
        <source>%1 is not in a job folder made by Wan Studio; it was left alone.</source>
        <translation>%1 不在 Wan Studio 创建的任务文件夹中；未做任何改动。</translation>
    </message>
    <message>
        <source>Could not move %1 to the trash. Check that the folder is writable; on some drives there is no trash.</source>
        <translation>无法将 %1 移到回收站。请确认该文件夹可写；某些磁盘上没有回收站。</translation>
    </message>
    <message>
        <source>Variation %1 of %2 (%3), kept</source>
        <translation>变体 %1/%2（%3），已保留</translation>
    </message>
    <message>
        <source>Variation %1 of %2 (%3)</source>
        <translation>变体 %1/%2（%3）</translation>
    </message>
    <message>
        <source>From the output folder, saved %1</source>
        <translation>来自输出文件夹，保存于 %1</translation>
    </message>
</context>
<context>
    <name>wan::ui::GenerationForm</name>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Describe the video: subject, action, scene, camera, style. Chinese and English both work.</source>
        <translation>描述视频：主体、动作、场景、镜头、风格。中文和英文均可。</translation>
    </message>
    <message>
        <source>Negative prompt (what to avoid)</source>
        <translation>反向提示词（需要避免的内容）</translation>
    </message>
    <message>
        <source>Extend prompt…</source>
        <translation>扩写提示词…</translation>
    </message>
    <message>
        <source>Let a language model rewrite the prompt with more detail (set it up in Settings → Prompt extension)</source>
        <translation>让语言模型用更多细节改写提示词（在 设置 → 提示词扩写 中配置）</translation>
    </message>
    <message>
        <source>First frame</source>
        <translation>首帧</translation>
    </message>
    <message>
        <source>First and last frame</source>
        <translation>首帧与尾帧</translation>
    </message>
    <message>
        <source>Last frame</source>
        <translation>尾帧</translation>
    </message>
    <message>
        <source>Choose the first frame</source>
        <translation>选择首帧图片</translation>
    </message>
    <message>
        <source>Choose the last frame</source>
        <translation>选择尾帧</translation>
    </message>
    <message>
        <source>Video to edit</source>
        <translation>要编辑的视频</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成设置</translation>
    </message>
    <message>
        <source>The video takes the first frame's aspect ratio; the last frame is center-cropped to it.</source>
        <translation>视频采用首帧的宽高比；尾帧将居中裁剪为该比例。</translation>
    </message>
    <message>
        <source>Video: %1×%2 (the first frame's aspect ratio, same area as the chosen size)</source>
        <translation>视频：%1×%2（首帧的宽高比，面积与所选尺寸相同）</translation>
    </message>
    <message>
        <source>Write a prompt first.</source>
        <translation>请先填写提示词。</translation>
    </message>
    <message>
        <source>Image to video needs a first frame: drop, paste or browse an image.</source>
        <translation>图生视频需要首帧：请拖入、粘贴或浏览选择一张图片。</translation>
    </message>
    <message>
        <source>First &amp; last frame to video needs both frames: drop, paste or browse a first and a last frame image.</source>
        <translation>首尾帧生成视频需要两帧：请拖入、粘贴或浏览选择首帧和尾帧图片。</translation>
    </message>
    <message>
        <source>The first frame is missing: drop, paste or browse an image for it.</source>
        <translation>缺少首帧：请拖入、粘贴或浏览选择一张图片。</translation>
    </message>
    <message>
        <source>The last frame is missing: drop, paste or browse an image for it.</source>
        <translation>缺少尾帧：请拖入、粘贴或浏览选择一张图片。</translation>
    </message>
    <message>
        <source>A mask needs a source video: choose the video the mask belongs to, or clear the mask.</source>
        <translation>蒙版需要源视频：请选择该蒙版对应的视频，或清除蒙版。</translation>
    </message>
    <message>
        <source>The source video %1 does not exist.</source>
        <translation>源视频 %1 不存在。</translation>
    </message>
    <message>
        <source>The mask %1 does not exist.</source>
        <translation>蒙版 %1 不存在。</translation>
    </message>
</context>
<context>
    <name>wan::ui::GenerationSettingsPanel</name>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>one image</source>
        <translation>一张图片</translation>
    </message>
    <message>
        <source>%1 s at %2 fps</source>
        <translation>%1 秒（%2 帧/秒）</translation>
    </message>
    <message>
        <source>Frame counts are 4n+1 (81 frames ≈ 5 s).</source>
        <translation>帧数为 4n+1（81 帧约 5 秒）。</translation>
    </message>
    <message>
        <source>Frame counts must be 4n+1, e.g. %1.</source>
        <translation>帧数必须是 4n+1，例如 %1。</translation>
    </message>
    <message>
        <source>Use seed %1 from the last finished job</source>
        <translation>使用上一个完成任务的种子 %1</translation>
    </message>
    <message>
        <source>Width and height must be multiples of %1.</source>
        <translation>宽度和高度必须是 %1 的倍数。</translation>
    </message>
    <message>
        <source>The frame count must be 4n+1 (for example %1).</source>
        <translation>帧数必须是 4n+1（例如 %1）。</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>帧数</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Solver</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>偏移</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Noise schedule shift: 5 for most videos, 3 for image to video at 480p.</source>
        <translation>噪声调度偏移：大多数视频用 5，480p 图生视频用 3。</translation>
    </message>
    <message>
        <source>How strongly the prompt is followed (classifier-free guidance).</source>
        <translation>遵循提示词的程度（无分类器引导）。</translation>
    </message>
    <message>
        <source>More steps: more detail, slower. Official: 50 (image to video: 40).</source>
        <translation>步数越多细节越多，但越慢。官方默认：50（图生视频：40）。</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Fixed</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>Reuse last</source>
        <translation>沿用上次</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Everything on the device (fastest)</source>
        <translation>全部放在设备上（最快）</translation>
    </message>
    <message>
        <source>Text encoder on CPU</source>
        <translation>文本编码器放在 CPU</translation>
    </message>
    <message>
        <source>Offload (least memory, slower)</source>
        <translation>卸载（最省内存，较慢）</translation>
    </message>
    <message>
        <source>Taken from the source video</source>
        <translation>取自源视频</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Offload each model after its stage</source>
        <translation>每个模型用完即卸载</translation>
    </message>
    <message>
        <source>The built-in demo model makes %1×%2, %3 frames only.</source>
        <translation>内置演示模型只能生成 %1×%2、%3 帧的视频。</translation>
    </message>
    <message>
        <source>The seed is set to Fixed but its field is empty: enter a seed, or choose Random.</source>
        <translation>种子设为“固定”但输入框为空：请输入种子，或选择“随机”。</translation>
    </message>
</context>
<context>
    <name>wan::ui::ImageDropZone</name>
    <message>
        <source>The clipboard holds no image. Copy an image (or an image file) first.</source>
        <translation>剪贴板中没有图片。请先复制一张图片（或图片文件）。</translation>
    </message>
    <message>
        <source>Could not save the pasted image to %1. Check that the disk is not full.</source>
        <translation>无法将粘贴的图片保存到 %1。请确认磁盘未满。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Drop an image here</source>
        <translation>将图片拖到这里</translation>
    </message>
    <message>
        <source>%1
Image: %2×%3
Video: %4×%5 (same area as the chosen size, aspect kept)</source>
        <translation>%1
图片：%2×%3
视频：%4×%5（面积与所选尺寸相同，保持宽高比）</translation>
    </message>
    <message>
        <source>Drop a PNG, JPEG, WebP or BMP image here, paste one (Ctrl+V) or browse.</source>
        <translation>将 PNG、JPEG、WebP 或 BMP 图片拖到这里，粘贴（Ctrl+V）或浏览选择。</translation>
    </message>
    <message>
        <source>Choose the first frame</source>
        <translation>选择首帧图片</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>图片 (%1)</translation>
    </message>
    <message>
        <source>%1
Image: %2×%3</source>
        <translation>%1
图片：%2×%3</translation>
    </message>
    <message>
        <source>Frame…</source>
        <translation>框选…</translation>
    </message>
    <message>
        <source>Choose the part of the image the video shows (double-click the image too)</source>
        <translation>选择视频显示的图像区域（也可双击图像）</translation>
    </message>
    <message>
        <source>%1
Image: %2×%3
Video: %4×%5 from a crop of %6×%7 at (%8, %9)</source>
        <translation>%1
图像：%2×%3
视频：%4×%5，来自位于 (%8, %9) 的 %6×%7 裁剪区域</translation>
    </message>
</context>
<context>
    <name>wan::ui::JobNotifier</name>
    <message>
        <source>Job finished</source>
        <translation>任务完成</translation>
    </message>
    <message>
        <source>Job failed</source>
        <translation>任务失败</translation>
    </message>
</context>
<context>
    <name>wan::ui::MainWindow</name>
    <message>
        <source>Render queue</source>
        <translation>渲染队列</translation>
    </message>
    <message>
        <source>About Wan Studio</source>
        <translation>关于 Wan Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;Wan Studio %1&lt;/b&gt;&lt;br&gt;A desktop studio for the open Wan2.1 video models: text to video, image to video and text to image, on your own computer.</source>
        <translation>&lt;b&gt;Wan Studio %1&lt;/b&gt;&lt;br&gt;面向开源 Wan2.1 视频模型的桌面工作室：文生视频、图生视频和文生图，全部在你自己的电脑上运行。</translation>
    </message>
    <message>
        <source>Wan Studio</source>
        <translation>Wan Studio</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>加入队列</translation>
    </message>
    <message>
        <source>Update queued job</source>
        <translation>更新排队中的任务</translation>
    </message>
    <message>
        <source>Stop editing</source>
        <translation>停止编辑</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Export as…</source>
        <translation>导出为…</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>打开输出文件夹</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Paste image as first frame</source>
        <translation>粘贴图片作为首帧</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>队列(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Open log</source>
        <translation>打开日志</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <source>Where to get the models</source>
        <translation>如何获取模型</translation>
    </message>
    <message>
        <source>The model folder is still being checked; try again in a moment.</source>
        <translation>仍在检查模型文件夹，请稍后再试。</translation>
    </message>
    <message>
        <source>Choose a usable model folder first. %1</source>
        <translation>请先选择一个可用的模型文件夹。%1</translation>
    </message>
    <message>
        <source>Write a prompt first.</source>
        <translation>请先填写提示词。</translation>
    </message>
    <message>
        <source>That job has already started or was removed; it was not changed.</source>
        <translation>该任务已开始或已被移除，未做修改。</translation>
    </message>
    <message>
        <source>Queued job updated.</source>
        <translation>排队中的任务已更新。</translation>
    </message>
    <message>
        <source>Added to the render queue.</source>
        <translation>已加入渲染队列。</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>The job was cancelled.</source>
        <translation>任务已取消。</translation>
    </message>
    <message>
        <source>Select a finished job to export.</source>
        <translation>请选择一个已完成的任务来导出。</translation>
    </message>
    <message>
        <source>Export as</source>
        <translation>导出为</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>There is no log yet.</source>
        <translation>还没有日志。</translation>
    </message>
    <message>
        <source>Download the whole model folder and choose it under “Model folder”. The 1.3B text-to-video model needs about 8 GB of memory; the 14B models much more.</source>
        <translation>请下载完整的模型文件夹，并在“模型文件夹”中选择它。1.3B 文生视频模型大约需要 8 GB 内存，14B 模型需要的更多。</translation>
    </message>
    <message>
        <source>A job is running</source>
        <translation>有任务正在运行</translation>
    </message>
    <message>
        <source>A job is still running. Quit anyway? The job will be cancelled; queued jobs stay in the queue.</source>
        <translation>仍有任务在运行。确定要退出吗？该任务将被取消，排队中的任务会保留在队列中。</translation>
    </message>
    <message>
        <source>Automatic prompt extension: %1</source>
        <translation>自动扩写提示词：%1</translation>
    </message>
    <message>
        <source>a text-to-video model</source>
        <translation>文生视频模型</translation>
    </message>
    <message>
        <source>an image-to-video model</source>
        <translation>图生视频模型</translation>
    </message>
    <message>
        <source>a first-and-last-frame model</source>
        <translation>首尾帧模型</translation>
    </message>
    <message>
        <source>a VACE video-editing model</source>
        <translation>VACE 视频编辑模型</translation>
    </message>
    <message>
        <source>This model folder holds %1; image to video needs an I2V model (Wan2.1-I2V-14B-480P or -720P).</source>
        <translation>此模型文件夹中是%1；图生视频需要 I2V 模型（Wan2.1-I2V-14B-480P 或 -720P）。</translation>
    </message>
    <message>
        <source>This model folder holds %1; first &amp; last frame to video needs an FLF2V model (Wan2.1-FLF2V-14B-720P).</source>
        <translation>此模型文件夹中是%1；首尾帧生成视频需要 FLF2V 模型（Wan2.1-FLF2V-14B-720P）。</translation>
    </message>
    <message>
        <source>This model folder holds %1; video editing needs a VACE model (Wan2.1-VACE-1.3B or -14B).</source>
        <translation>此模型文件夹中是%1；视频编辑需要 VACE 模型（Wan2.1-VACE-1.3B 或 -14B）。</translation>
    </message>
    <message>
        <source>This model folder holds %1; choose a T2V model folder for this task.</source>
        <translation>此模型文件夹中是%1；此任务请选择 T2V 模型文件夹。</translation>
    </message>
    <message>
        <source>Check that the folder is writable and the disk is not full.</source>
        <translation>请检查文件夹是否可写、磁盘是否已满。</translation>
    </message>
    <message>
        <source>Choose a finished job whose result file still exists.</source>
        <translation>请选择一个已完成且结果文件仍然存在的任务。</translation>
    </message>
    <message>
        <source>Could not save the frame to %1. Check that the folder is writable and the disk is not full.</source>
        <translation>无法将帧保存到 %1。请确认文件夹可写且磁盘没有满。</translation>
    </message>
    <message>
        <source>The clip's last frame is the new first frame. Review the form, then add it to the queue.</source>
        <translation>该片段的最后一帧已作为新的首帧。请检查表单，然后加入队列。</translation>
    </message>
    <message>
        <source>Choose two different finished clips to bridge.</source>
        <translation>请选择两个不同的已完成片段进行衔接。</translation>
    </message>
    <message>
        <source>The bridge starts on the first clip's last frame and ends on the second clip's first frame. Review the form, then add it to the queue.</source>
        <translation>衔接片段以第一个片段的最后一帧开始，以第二个片段的第一帧结束。请检查表单，然后加入队列。</translation>
    </message>
    <message>
        <source>Show a finished clip in the player first.</source>
        <translation>请先在播放器中显示一个已完成的片段。</translation>
    </message>
    <message>
        <source>Bridging needs a second finished clip in the render queue: generate or keep one first.</source>
        <translation>衔接需要渲染队列中还有另一个已完成的片段：请先生成或保留一个。</translation>
    </message>
    <message>
        <source>Still stopping</source>
        <translation>仍在停止</translation>
    </message>
    <message>
        <source>Finish in the background</source>
        <translation>在后台完成</translation>
    </message>
    <message>
        <source>Force quit</source>
        <translation>强制退出</translation>
    </message>
    <message>
        <source>The running job has not stopped yet (it may be loading a model or in the middle of a step). Wan Studio closes its window now and quits as soon as it has stopped; queued jobs stay in the queue.

Force quit ends Wan Studio at once.</source>
        <translation>正在运行的任务尚未停止（可能正在加载模型或处于某一步的中途）。Wan Studio 现在关闭窗口，并在任务停止后立即退出；排队中的任务会保留在队列中。

强制退出会立即结束 Wan Studio。</translation>
    </message>
    <message>
        <source>The built-in demo model makes videos only: choose Text to video, or another model folder.</source>
        <translation>内置演示模型只能生成视频：请选择“文本生成视频”，或换用其他模型文件夹。</translation>
    </message>
    <message>
        <source>That result is no longer in the render queue.</source>
        <translation>该结果已不在渲染队列中。</translation>
    </message>
    <message>
        <source>Prompt loaded.</source>
        <translation>已载入提示词。</translation>
    </message>
    <message>
        <source>Settings loaded; the seed stays as it was.</source>
        <translation>已载入设置；种子保持不变。</translation>
    </message>
    <message>
        <source>Settings loaded, seed included.</source>
        <translation>已载入设置，包括种子。</translation>
    </message>
    <message>
        <source>Settings restored from %1.</source>
        <translation>已从 %1 恢复设置。</translation>
    </message>
    <message>
        <source>Settings restored from the metadata of %1 (prompt, seed, size, steps, shift and guidance; the model folder and input images are not stored there).</source>
        <translation>已从 %1 的元数据恢复设置（提示词、种子、尺寸、步数、偏移和引导；模型文件夹和输入图片不保存在其中）。</translation>
    </message>
    <message>
        <source>The last frame is saved as %1. Image to video needs an image-to-video model folder (Wan2.1-I2V-14B-480P or -720P): choose one under “Model folder”, then drop the frame on the image.</source>
        <translation>最后一帧已保存为 %1。图生视频需要图生视频模型文件夹（Wan2.1-I2V-14B-480P 或 -720P）：请在“模型文件夹”中选择，然后把该帧拖到图片上。</translation>
    </message>
    <message>
        <source>The API key is in the settings file: the system keychain did not take it (%1).</source>
        <translation>API 密钥保存在设置文件中：系统密钥环未能保存它（%1）。</translation>
    </message>
    <message>
        <source>Restore settings</source>
        <translation>恢复设置</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <source>First-run assistant…</source>
        <translation>首次运行向导…</translation>
    </message>
    <message>
        <source>Model folder: %1</source>
        <translation>模型文件夹：%1</translation>
    </message>
    <message>
        <source>No group of variations in the queue.</source>
        <translation>队列中没有变体组。</translation>
    </message>
    <message>
        <source>Variations…</source>
        <translation>变体…</translation>
    </message>
    <message>
        <source>Queue several seeds, or a grid of guidance, shift and steps, as one group and compare the results side by side</source>
        <translation>将多个种子，或引导强度、偏移与步数的网格，作为一组加入队列，并排比较结果</translation>
    </message>
    <message>
        <source>Compare variations…</source>
        <translation>比较变体…</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) added to the render queue as one group.</source>
        <translation><numerusform>已将 %n 个任务作为一组加入渲染队列。</numerusform></translation>
    </message>
    <message>
        <source>Finish editing the queued job first.</source>
        <translation>请先完成对队列中任务的编辑。</translation>
    </message>
    <message>
        <source>Memory: %1 (recommended for this computer)</source>
        <translation>内存模式：%1（为本机推荐）</translation>
    </message>
    <message>
        <source>That job is no longer in the render queue or the gallery.</source>
        <translation>该任务已不在渲染队列或图库中。</translation>
    </message>
    <message>
        <source>No variations to queue.</source>
        <translation>没有可加入队列的变体。</translation>
    </message>
</context>
<context>
    <name>wan::ui::MaskPainter</name>
    <message>
        <source>The mask has no frames to write.</source>
        <translation>蒙版没有可写入的帧。</translation>
    </message>
    <message>
        <source>%1 already exists; choose another folder for the mask.</source>
        <translation>%1 已存在；请为蒙版选择其他文件夹。</translation>
    </message>
    <message>
        <source>Could not create the folder %1. Check that it is writable.</source>
        <translation>无法创建文件夹 %1。请确认其可写。</translation>
    </message>
    <message>
        <source>Could not create a folder in %1. Check that it is writable.</source>
        <translation>无法在 %1 中创建文件夹。请确认其可写。</translation>
    </message>
    <message>
        <source>Could not write the mask frame %1. Check that the disk is not full.</source>
        <translation>无法写入蒙版帧 %1。请确认磁盘没有满。</translation>
    </message>
    <message>
        <source>Could not move the mask frames into %1.</source>
        <translation>无法将蒙版帧移动到 %1。</translation>
    </message>
</context>
<context>
    <name>wan::ui::MaskPainterDialog</name>
    <message>
        <source>The mask is empty: paint or draw a box where the video should change (white), or cancel.</source>
        <translation>蒙版为空：请在视频需要改变的地方涂抹或画框（白色），或者取消。</translation>
    </message>
    <message>
        <source>Frame %1 of %2</source>
        <translation>第 %1 帧，共 %2 帧</translation>
    </message>
    <message>
        <source>No key frames yet: drag a box on this frame.</source>
        <translation>还没有关键帧：请在此帧上拖出一个框。</translation>
    </message>
    <message>
        <source>Box key frames: %1</source>
        <translation>框的关键帧：%1</translation>
    </message>
    <message>
        <source>Draw a mask</source>
        <translation>绘制蒙版</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Paint the area to generate</source>
        <translation>涂抹要生成的区域</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>Paint the area to keep</source>
        <translation>涂抹要保留的区域</translation>
    </message>
    <message>
        <source>Box</source>
        <translation>框</translation>
    </message>
    <message>
        <source>Drag a box to generate inside it</source>
        <translation>拖出一个框，在框内生成</translation>
    </message>
    <message>
        <source>Radius</source>
        <translation>半径</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Over time</source>
        <translation>随时间</translation>
    </message>
    <message>
        <source>Same mask for all frames</source>
        <translation>所有帧使用同一蒙版</translation>
    </message>
    <message>
        <source>Box track over the frames</source>
        <translation>逐帧框轨迹</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>删除关键帧</translation>
    </message>
    <message>
        <source>Tinted areas are generated (white in the mask); the rest of the video is kept. A box track moves a box between key frames: pick a frame, drag a box, repeat; before the first and after the last key the box stays put.</source>
        <translation>着色区域将被生成（蒙版中为白色），视频其余部分保持不变。框轨迹让框在关键帧之间移动：选择一帧，拖出一个框，重复此操作；在第一个关键帧之前和最后一个关键帧之后，框保持不动。</translation>
    </message>
</context>
<context>
    <name>wan::ui::MemoryPlanView</name>
    <message>
        <source>Memory plan: %1</source>
        <translation>内存计划：%1</translation>
    </message>
    <message>
        <source>Memory plan: not available (%1)</source>
        <translation>内存计划：无法给出（%1）</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelDownloads</name>
    <message>
        <source>The download server "%1" is not usable: %2</source>
        <translation>下载服务器“%1”不可用：%2</translation>
    </message>
    <message>
        <source>"%1" is not in the model catalogue.</source>
        <translation>“%1”不在模型目录中。</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for %2. Choose another models folder.</source>
        <translation>无法为 %2 创建文件夹 %1。请选择其他模型文件夹。</translation>
    </message>
    <message>
        <source>%1 was not downloaded by Wan Studio, so it is not deleted from here. Delete it in your file manager if you no longer need it.</source>
        <translation>%1 不是由 Wan Studio 下载的，因此不会在这里删除。如果不再需要，请在文件管理器中删除。</translation>
    </message>
    <message>
        <source>%1 is still downloading. Cancel the download first.</source>
        <translation>%1 仍在下载。请先取消下载。</translation>
    </message>
    <message>
        <source>Could not delete every file in %1. Check the folder's permissions.</source>
        <translation>无法删除 %1 中的全部文件。请检查该文件夹的权限。</translation>
    </message>
    <message>
        <source>The download of %1 failed: the server or the network did not deliver a file.</source>
        <translation>%1 下载失败：服务器或网络未能传送某个文件。</translation>
    </message>
    <message>
        <source>The download of %1 could not be written to disk.</source>
        <translation>%1 的下载内容无法写入磁盘。</translation>
    </message>
    <message>
        <source>The download of %1 was refused: a file arrived damaged twice.</source>
        <translation>%1 的下载被拒绝：某个文件两次到达时均已损坏。</translation>
    </message>
    <message>
        <source>The download of %1 could not start.</source>
        <translation>%1 的下载无法开始。</translation>
    </message>
    <message>
        <source>The download of %1 stopped.</source>
        <translation>%1 的下载已停止。</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelFilesDialog</name>
    <message>
        <source>Model files (*.safetensors *.gguf *.pth *.pt *.model)</source>
        <translation>模型文件 (*.safetensors *.gguf *.pth *.pt *.model)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose the %1 file</source>
        <translation>选择%1文件</translation>
    </message>
    <message>
        <source>Checking the model files…</source>
        <translation>正在检查模型文件…</translation>
    </message>
    <message>
        <source>Ready: %1, %2</source>
        <translation>就绪：%1，%2</translation>
    </message>
    <message>
        <source>This model set cannot run yet:</source>
        <translation>这组模型文件还无法运行：</translation>
    </message>
    <message>
        <source>Not needed: only image-to-video models read an image encoder.</source>
        <translation>不需要：只有图生视频模型才会读取图像编码器。</translation>
    </message>
    <message>
        <source>Not used: only image-to-video models read an image encoder.</source>
        <translation>不会使用：只有图生视频模型才会读取图像编码器。</translation>
    </message>
    <message>
        <source>Uses %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <source>From the model folder: %1 · %2</source>
        <translation>来自模型文件夹：%1 · %2</translation>
    </message>
    <message>
        <source>Model files</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>Use single model files (ComfyUI, GGUF, …) in place of the model folder's own. An empty row takes that part from the model folder. You can also drop files here.</source>
        <translation>用单个模型文件（ComfyUI、GGUF 等）代替模型文件夹中的对应文件。留空的一行使用模型文件夹中的该部分。也可以把文件拖到这里。</translation>
    </message>
    <message>
        <source>No model folder: choose the DiT, text encoder and VAE files (and CLIP for image models).</source>
        <translation>没有模型文件夹：请选择 DiT、文本编码器和 VAE 文件（图像模型还需要 CLIP）。</translation>
    </message>
    <message>
        <source>Model folder: %1</source>
        <translation>模型文件夹：%1</translation>
    </message>
    <message>
        <source>DiT (diffusion model)</source>
        <translation>DiT（扩散模型）</translation>
    </message>
    <message>
        <source>Text encoder (umT5)</source>
        <translation>文本编码器（umT5）</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>CLIP (image models)</source>
        <translation>CLIP（图像模型）</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>Found beside the text encoder file</source>
        <translation>在文本编码器文件旁查找</translation>
    </message>
    <message>
        <source>From the model folder</source>
        <translation>来自模型文件夹</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelFolderPicker</name>
    <message>
        <source>Get the official weights (the whole folder):</source>
        <translation>获取官方权重（整个文件夹）：</translation>
    </message>
    <message>
        <source>Checking the model folder…</source>
        <translation>正在检查模型文件夹…</translation>
    </message>
    <message>
        <source>Choose the folder of a Wan2.1 model.</source>
        <translation>请选择 Wan2.1 模型所在的文件夹。</translation>
    </message>
    <message>
        <source>image to video</source>
        <translation>图生视频</translation>
    </message>
    <message>
        <source>text to video</source>
        <translation>文生视频</translation>
    </message>
    <message>
        <source>Wan2.1 %1 model, %2</source>
        <translation>Wan2.1 %1 模型，%2</translation>
    </message>
    <message>
        <source>Missing or unusable: %1</source>
        <translation>缺失或不可用：%1</translation>
    </message>
    <message>
        <source>Choose the model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Folder with diffusion_pytorch_model*.safetensors, Wan2.1_VAE.pth, …</source>
        <translation>包含 diffusion_pytorch_model*.safetensors、Wan2.1_VAE.pth 等文件的文件夹</translation>
    </message>
    <message>
        <source>first &amp; last frame to video</source>
        <translation>首尾帧生成视频</translation>
    </message>
    <message>
        <source>video editing (VACE)</source>
        <translation>视频编辑（VACE）</translation>
    </message>
    <message>
        <source>Built-in demo model: %1×%2, %3 frames, a few seconds per clip on the CPU. It knows only simple shapes, colours and motions.</source>
        <translation>内置演示模型：%1×%2，%3 帧，在 CPU 上每段只需几秒。它只认识简单的形状、颜色和运动。</translation>
    </message>
    <message>
        <source>For example: “%1”</source>
        <translation>例如：“%1”</translation>
    </message>
    <message>
        <source>Built-in demo</source>
        <translation>内置演示</translation>
    </message>
    <message>
        <source>A tiny model that comes with Wan Studio: small clips of simple shapes in seconds on any CPU</source>
        <translation>Wan Studio 自带的微型模型：在任何 CPU 上几秒内生成简单形状的小片段</translation>
    </message>
    <message>
        <source>DiT</source>
        <translation>DiT</translation>
    </message>
    <message>
        <source>text encoder</source>
        <translation>文本编码器</translation>
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
        <translation>分词器</translation>
    </message>
    <message>
        <source>Model files: %1</source>
        <translation>模型文件：%1</translation>
    </message>
    <message>
        <source>Checking the model files…</source>
        <translation>正在检查模型文件…</translation>
    </message>
    <message>
        <source>Model files…</source>
        <translation>模型文件…</translation>
    </message>
    <message>
        <source>Use single files (ComfyUI, GGUF, …) for the DiT, text encoder, VAE or CLIP in place of the folder's own</source>
        <translation>为 DiT、文本编码器、VAE 或 CLIP 使用单个文件（ComfyUI、GGUF 等），代替模型文件夹中的对应文件</translation>
    </message>
</context>
<context>
    <name>wan::ui::ModelManagerDialog</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Models folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更改…</translation>
    </message>
    <message>
        <source>Download from:</source>
        <translation>下载来源：</translation>
    </message>
    <message>
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <source>hf-mirror.com (mainland China)</source>
        <translation>hf-mirror.com（中国大陆）</translation>
    </message>
    <message>
        <source>ModelScope (mainland China)</source>
        <translation>魔搭 ModelScope（中国大陆）</translation>
    </message>
    <message>
        <source>Other server (URL)</source>
        <translation>其他服务器（URL）</translation>
    </message>
    <message>
        <source>https://… or modelscope:https://…</source>
        <translation>https://… 或 modelscope:https://…</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>可下载</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Check sizes</source>
        <translation>查询大小</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel download…</source>
        <translation>取消下载…</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>查询中…</translation>
    </message>
    <message>
        <source>Downloaded by Wan Studio</source>
        <translation>由 Wan Studio 下载</translation>
    </message>
    <message>
        <source>Found in the models folder (not downloaded by Wan Studio)</source>
        <translation>在模型文件夹中找到（不是由 Wan Studio 下载的）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 of %2, %3/s, %4 left</source>
        <translation>%1 / %2，%3/秒，剩余 %4</translation>
    </message>
    <message>
        <source>File %1 of %2: %3, %4 of %5, %6 left</source>
        <translation>文件 %1 / %2：%3，%4 / %5，剩余 %6</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Paused at %1 of %2</source>
        <translation>已暂停于 %1 / %2</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Only models downloaded by Wan Studio can be deleted here.</source>
        <translation>这里只能删除由 Wan Studio 下载的模型。</translation>
    </message>
    <message>
        <source>Folder for downloaded models</source>
        <translation>存放下载模型的文件夹</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Cancel the download of %1 and delete what was downloaded so far?</source>
        <translation>取消 %1 的下载并删除已下载的部分？</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Delete %1 and every file in it? This cannot be undone.</source>
        <translation>删除 %1 及其中的所有文件？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Download options</source>
        <translation>下载选项</translation>
    </message>
    <message>
        <source>Only for gated or private repositories</source>
        <translation>仅用于需要授权或私有的仓库</translation>
    </message>
    <message>
        <source>Access token:</source>
        <translation>访问令牌：</translation>
    </message>
    <message>
        <source>How many files of a model download at the same time</source>
        <translation>一个模型同时下载的文件数</translation>
    </message>
    <message>
        <source>Files at once:</source>
        <translation>同时下载文件数：</translation>
    </message>
    <message>
        <source> MB/s</source>
        <translation> MB/s</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限速</translation>
    </message>
    <message>
        <source>One limit shared by all files downloading at the same time</source>
        <translation>所有同时下载的文件共用这一个限速</translation>
    </message>
    <message>
        <source>Speed limit:</source>
        <translation>限速：</translation>
    </message>
    <message>
        <source>Changes apply to downloads started or resumed from now on.</source>
        <translation>更改对此后开始或继续的下载生效。</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Kept in the system keychain</source>
        <translation>保存在系统钥匙串中</translation>
    </message>
    <message>
        <source>No keychain: kept in the settings file</source>
        <translation>没有可用的钥匙串：保存在设置文件中</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>wan::ui::PlayerWidget</name>
    <message>
        <source>The finished video plays here.</source>
        <translation>完成的视频将在这里播放。</translation>
    </message>
    <message>
        <source>Frame %1/%2</source>
        <translation>第 %1/%2 帧</translation>
    </message>
    <message>
        <source>Frame %1</source>
        <translation>第 %1 帧</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>循环</translation>
    </message>
    <message>
        <source>Previous frame</source>
        <translation>上一帧</translation>
    </message>
    <message>
        <source>Next frame</source>
        <translation>下一帧</translation>
    </message>
    <message>
        <source>Continue from last frame</source>
        <translation>从最后一帧继续</translation>
    </message>
    <message>
        <source>Start a new image-to-video job on this clip's last frame</source>
        <translation>以该片段的最后一帧开始一个新的图生视频任务</translation>
    </message>
    <message>
        <source>Bridge two clips…</source>
        <translation>衔接两个片段…</translation>
    </message>
    <message>
        <source>A first-and-last-frame job from this clip's end to the start of another finished clip</source>
        <translation>一个首尾帧任务：从该片段的结尾过渡到另一个已完成片段的开头</translation>
    </message>
</context>
<context>
    <name>wan::ui::PreviewView</name>
    <message>
        <source>Frame %1/%2</source>
        <translation>第 %1/%2 帧</translation>
    </message>
    <message>
        <source>All frames</source>
        <translation>全部帧</translation>
    </message>
    <message>
        <source>Show every latent frame of the preview in a strip below</source>
        <translation>在下方的条带中显示预览的每个潜空间帧</translation>
    </message>
    <message>
        <source>Which frame of the clip the preview shows</source>
        <translation>预览显示片段中的哪一帧</translation>
    </message>
</context>
<context>
    <name>wan::ui::ProgressPanel</name>
    <message>
        <source>Loading the model</source>
        <translation>正在加载模型</translation>
    </message>
    <message>
        <source>Reading the prompt</source>
        <translation>正在编码提示词</translation>
    </message>
    <message>
        <source>Reading the image</source>
        <translation>正在编码图片</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>正在生成</translation>
    </message>
    <message>
        <source>Decoding frames</source>
        <translation>正在解码画面</translation>
    </message>
    <message>
        <source>Writing the video</source>
        <translation>正在写入视频</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The preview appears here while a job runs.</source>
        <translation>任务运行时，预览会显示在这里。</translation>
    </message>
    <message>
        <source>Waiting for the first step…</source>
        <translation>等待第一步…</translation>
    </message>
    <message>
        <source>Step %1/%2</source>
        <translation>第 %1/%2 步</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>%1 s/step</source>
        <translation>%1 秒/步</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>Done in %1</source>
        <translation>用时 %1 完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>wan::ui::PromptEditor</name>
    <message>
        <source>≈ %1 / %2 tokens</source>
        <translation>≈ %1 / %2 个词元</translation>
    </message>
    <message>
        <source>Probably longer than the model reads: text after about %1 tokens is cut off.</source>
        <translation>可能超出模型能读取的长度：大约 %1 个词元之后的文字会被截断。</translation>
    </message>
    <message>
        <source>A quick estimate, not the exact tokenizer count.</source>
        <translation>这是快速估算，并非分词器的精确计数。</translation>
    </message>
    <message>
        <source>No recent prompts</source>
        <translation>没有最近的提示词</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Use a recent prompt again</source>
        <translation>再次使用最近的提示词</translation>
    </message>
</context>
<context>
    <name>wan::ui::PromptExtendDialog</name>
    <message>
        <source>Extend prompt</source>
        <translation>扩写提示词</translation>
    </message>
    <message>
        <source>The rewritten prompt appears here; you can edit it before using it.</source>
        <translation>改写后的提示词显示在这里，使用前可以修改。</translation>
    </message>
    <message>
        <source>Use rewrite</source>
        <translation>使用改写</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Keep original</source>
        <translation>保留原文</translation>
    </message>
    <message>
        <source>Rewrite in:</source>
        <translation>改写语言：</translation>
    </message>
    <message>
        <source>Original:</source>
        <translation>原文：</translation>
    </message>
    <message>
        <source>Rewrite:</source>
        <translation>改写：</translation>
    </message>
    <message>
        <source>Asking the model…</source>
        <translation>正在请求模型…</translation>
    </message>
    <message>
        <source>Rewritten by %1. Edit it if you like, then use it or keep the original.</source>
        <translation>由 %1 改写。可以先修改，然后使用改写或保留原文。</translation>
    </message>
    <message>
        <source>Your edits to the rewrite are kept. Press Retry to rewrite the prompt in %1 instead (that replaces your edits).</source>
        <translation>您对改写结果的修改已保留。按“重试”可改用%1改写提示词（这会替换您的修改）。</translation>
    </message>
</context>
<context>
    <name>wan::ui::PromptExtendSettingsPage</name>
    <message>
        <source>Dashscope (Alibaba Cloud)</source>
        <translation>Dashscope（阿里云）</translation>
    </message>
    <message>
        <source>Local OpenAI-compatible server (vLLM, llama.cpp, Ollama)</source>
        <translation>本地 OpenAI 兼容服务（vLLM、llama.cpp、Ollama）</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>服务：</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>Text model:</source>
        <translation>文本模型：</translation>
    </message>
    <message>
        <source>Vision model (I2V):</source>
        <translation>视觉模型（图生视频）：</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <source>Rewrite in:</source>
        <translation>改写语言：</translation>
    </message>
    <message>
        <source>Give up after:</source>
        <translation>超时放弃：</translation>
    </message>
    <message>
        <source>Attempts:</source>
        <translation>尝试次数：</translation>
    </message>
    <message>
        <source>This build has no network support (built without libcurl): prompt extension is unavailable.</source>
        <translation>此版本没有网络支持（构建时未包含 libcurl），无法使用提示词扩写。</translation>
    </message>
    <message>
        <source>empty: $DASH_API_URL or the international endpoint</source>
        <translation>留空：使用 $DASH_API_URL 或国际站地址</translation>
    </message>
    <message>
        <source>empty: $DASH_API_KEY</source>
        <translation>留空：使用 $DASH_API_KEY</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>The key is stored unencrypted in the application's settings file. Setting the DASH_API_KEY environment variable instead keeps it out of that file.</source>
        <translation>密钥以明文保存在应用的设置文件中。改用 DASH_API_KEY 环境变量可避免写入该文件。</translation>
    </message>
    <message>
        <source>No key: set DASH_API_KEY or enter one here.</source>
        <translation>没有密钥：请设置 DASH_API_KEY 或在此输入。</translation>
    </message>
    <message>
        <source>DASH_API_KEY is set in the environment and will be used.</source>
        <translation>环境变量中已设置 DASH_API_KEY，将使用它。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Connected: %1 answered.</source>
        <translation>已连接：%1 已响应。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Extend prompts automatically when queuing</source>
        <translation>加入队列时自动扩写提示词</translation>
    </message>
    <message>
        <source>DASH_API_URL is set: requests and the key go to %1.</source>
        <translation>已设置 DASH_API_URL：请求和密钥将发送到 %1。</translation>
    </message>
    <message>
        <source>DASH_API_URL (%1) is neither https nor this computer: the key is not sent there. Use an https:// address or enter the URL here.</source>
        <translation>DASH_API_URL（%1）既不是 https 地址，也不是本机：密钥不会发送到那里。请使用 https:// 地址，或在此处填写 URL。</translation>
    </message>
    <message>
        <source>The system keychain did not take the key (%1).</source>
        <translation>系统密钥环未能保存该密钥（%1）。</translation>
    </message>
</context>
<context>
    <name>wan::ui::QueueEtaLabel</name>
    <message numerus="yes">
        <source>Queue: %n job(s), about %1</source>
        <translation><numerusform>队列：%n 个任务，约 %1</numerusform></translation>
    </message>
    <message>
        <source>Time until every queued job is done, from the running job's progress and the stage times measured on earlier jobs</source>
        <translation>根据正在运行任务的进度和以往任务测得的各阶段用时，估算全部排队任务完成所需的时间</translation>
    </message>
</context>
<context>
    <name>wan::ui::RenderQueueDock</name>
    <message>
        <source>Release</source>
        <translation>放行</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>搁置</translation>
    </message>
    <message>
        <source>Render queue (paused)</source>
        <translation>渲染队列（已暂停）</translation>
    </message>
    <message>
        <source>Render queue</source>
        <translation>渲染队列</translation>
    </message>
    <message>
        <source>Resume queue</source>
        <translation>继续队列</translation>
    </message>
    <message>
        <source>Pause queue</source>
        <translation>暂停队列</translation>
    </message>
    <message>
        <source>Pause after the current job / resume</source>
        <translation>当前任务完成后暂停 / 继续</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Load this queued job into the editor to change it</source>
        <translation>将此排队任务载入编辑区进行修改</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Pause and free GPU</source>
        <translation>暂停并释放 GPU</translation>
    </message>
    <message>
        <source>Hold a queued job (the queue skips it) or release it; pause the running job at the next step and free the GPU (releasing it continues from there)</source>
        <translation>搁置排队中的任务（队列会跳过它）或放行；在下一步暂停正在运行的任务并释放 GPU（放行后从暂停处继续）</translation>
    </message>
    <message>
        <source>Promote to final</source>
        <translation>提升为终稿</translation>
    </message>
    <message>
        <source>Queue this draft again with the full sampler, the same settings and seed</source>
        <translation>用完整采样器、相同的设置和种子重新排队此草稿</translation>
    </message>
    <message>
        <source>Duplicate with the same seed (the same video again when nothing else changes) or with a new random seed?</source>
        <translation>使用相同种子复制（其他不变时生成相同的视频），还是使用新的随机种子？</translation>
    </message>
    <message>
        <source>Same seed</source>
        <translation>相同种子</translation>
    </message>
    <message>
        <source>New seed</source>
        <translation>新种子</translation>
    </message>
    <message>
        <source>Variations…</source>
        <translation>变体…</translation>
    </message>
    <message>
        <source>Queue several seeds, or a grid of guidance, shift and steps, of this job's settings as one group</source>
        <translation>以此任务的设置，将多个种子或引导系数、偏移和步数的网格作为一组加入队列</translation>
    </message>
</context>
<context>
    <name>wan::ui::RenderQueueModel</name>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>帧数</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>%1

Extended from: %2</source>
        <translation>%1

扩写自：%2</translation>
    </message>
    <message>
        <source>Being edited</source>
        <translation>正在编辑</translation>
    </message>
</context>
<context>
    <name>wan::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Each job gets its own folder inside the output folder: the video, its final latents, settings.json and a log.</source>
        <translation>每个任务都会在输出文件夹中拥有自己的子文件夹：视频、最终潜变量、settings.json 和日志。</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Prompt extension</source>
        <translation>提示词扩写</translation>
    </message>
    <message>
        <source>CPU — %1, %2 GiB RAM</source>
        <translation>CPU — %1，%2 GiB 内存</translation>
    </message>
    <message>
        <source>GPU %1 — %2, %3 GiB, compute capability %4.%5</source>
        <translation>GPU %1 — %2，%3 GiB，计算能力 %4.%5</translation>
    </message>
    <message>
        <source>%1 — not found on this computer</source>
        <translation>%1 — 在此电脑上未找到</translation>
    </message>
    <message>
        <source>CPU — a seed gives the same video on every computer</source>
        <translation>CPU — 同一种子在每台电脑上生成相同的视频</translation>
    </message>
    <message>
        <source>Device — the GPU's own generator, as the official script</source>
        <translation>设备 — 使用 GPU 自身的随机数生成器，与官方脚本一致</translation>
    </message>
    <message>
        <source>Where the starting noise is drawn. "Device" reproduces videos made with the official Python script on an NVIDIA GPU; the same seed then gives another video on the CPU.</source>
        <translation>初始噪声在哪里生成。“设备”可复现官方 Python 脚本在 NVIDIA GPU 上生成的视频；此时同一种子在 CPU 上会生成不同的视频。</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>All free GPU memory</source>
        <translation>全部空闲显存</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>The most GPU memory a job may use, below what is free: leave room for games, a browser or a second job. The plan under the form shows what fits.</source>
        <translation>一个任务最多可使用的显存（不超过空闲显存）：为游戏、浏览器或另一个任务留出空间。表单下方的计划会显示能放下什么。</translation>
    </message>
    <message>
        <source>GPU memory budget</source>
        <translation>显存预算</translation>
    </message>
    <message>
        <source>Automatic — the fastest for this computer</source>
        <translation>自动 — 本机最快的方式</translation>
    </message>
    <message>
        <source>bf16 — as the official script on a GPU</source>
        <translation>bf16 — 与官方脚本在 GPU 上相同</translation>
    </message>
    <message>
        <source>fp32 — the reference result</source>
        <translation>fp32 — 参考结果</translation>
    </message>
    <message>
        <source>How the text encoder computes. Automatic: fp32 for fp32 jobs; otherwise bf16 on a GPU, and on the CPU bf16 only where the processor multiplies bf16 itself (AVX512-BF16 or AMX), since elsewhere fp32 is faster.</source>
        <translation>文本编码器的计算精度。自动：fp32 任务用 fp32；其他任务在 GPU 上用 bf16，在 CPU 上仅当处理器原生支持 bf16 乘法（AVX512-BF16 或 AMX）时才用 bf16，因为在其他处理器上 fp32 更快。</translation>
    </message>
    <message>
        <source>Text encoder math</source>
        <translation>文本编码器精度</translation>
    </message>
    <message>
        <source>Automatic — half precision on a GPU</source>
        <translation>自动 — 在 GPU 上用半精度</translation>
    </message>
    <message>
        <source>bf16 — GPUs from compute capability 8.0</source>
        <translation>bf16 — 计算能力 8.0 及以上的 GPU</translation>
    </message>
    <message>
        <source>fp16 — older GPUs</source>
        <translation>fp16 — 较旧的 GPU</translation>
    </message>
    <message>
        <source>How the VAE, which turns latents into video and images into latents, computes on a GPU. Automatic: fp32 for fp32 jobs; otherwise bf16, or fp16 on GPUs before compute capability 8.0, which halves its memory. A half-precision run that overflows is redone in fp32. The processor always uses fp32.</source>
        <translation>VAE（将潜变量解码为视频、将图像编码为潜变量）在 GPU 上的计算精度。自动：fp32 任务用 fp32；其他任务用 bf16，计算能力低于 8.0 的 GPU 用 fp16，可将其显存占用减半。半精度运算溢出时会以 fp32 重新计算。处理器上始终使用 fp32。</translation>
    </message>
    <message>
        <source>VAE math</source>
        <translation>VAE 精度</translation>
    </message>
</context>
<context>
    <name>wan::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>wan::ui::SpeedSettingsWidget</name>
    <message>
        <source>Strength of this LoRA (0 turns it off)</source>
        <translation>此 LoRA 的强度（0 表示关闭）</translation>
    </message>
    <message>
        <source>Add LoRA</source>
        <translation>添加 LoRA</translation>
    </message>
    <message>
        <source>LoRA weights (*.safetensors)</source>
        <translation>LoRA 权重 (*.safetensors)</translation>
    </message>
    <message>
        <source>Final (full sampler)</source>
        <translation>终稿（完整采样）</translation>
    </message>
    <message>
        <source>Draft (distilled, 4 steps)</source>
        <translation>草稿（蒸馏，4 步）</translation>
    </message>
    <message>
        <source>Draft needs a step-distilled LoRA (such as lightx2v's): 4 steps, no guidance, about 20 times fewer model calls. Final uses the full sampler.</source>
        <translation>草稿需要步数蒸馏的 LoRA（例如 lightx2v 的）：4 步、无引导，模型调用次数约少 20 倍。终稿使用完整采样器。</translation>
    </message>
    <message>
        <source>No step cache</source>
        <translation>不使用步骤缓存</translation>
    </message>
    <message>
        <source>TeaCache: quality</source>
        <translation>TeaCache：质量优先</translation>
    </message>
    <message>
        <source>TeaCache: balanced</source>
        <translation>TeaCache：均衡</translation>
    </message>
    <message>
        <source>TeaCache: fast</source>
        <translation>TeaCache：速度优先</translation>
    </message>
    <message>
        <source>MagCache: quality</source>
        <translation>MagCache：质量优先</translation>
    </message>
    <message>
        <source>MagCache: balanced</source>
        <translation>MagCache：均衡</translation>
    </message>
    <message>
        <source>MagCache: fast</source>
        <translation>MagCache：速度优先</translation>
    </message>
    <message>
        <source>Reuse the model's work of earlier steps when little changes: faster, slightly different result. The job log says how many steps were skipped.</source>
        <translation>变化很小时复用模型在前几步的计算：更快，结果略有不同。任务日志会说明跳过了多少步。</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>Add LoRA…</source>
        <translation>添加 LoRA…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>wan::ui::VaceInputPanel</name>
    <message>
        <source>Images (%1)</source>
        <translation>图片 (%1)</translation>
    </message>
    <message>
        <source>Choose the source video</source>
        <translation>选择源视频</translation>
    </message>
    <message>
        <source>Choose the mask video</source>
        <translation>选择蒙版视频</translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.mov *.mkv *.webm *.avi);;All files (*)</source>
        <translation>视频 (*.mp4 *.mov *.mkv *.webm *.avi);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose a folder of source frames (PNG)</source>
        <translation>选择源视频帧文件夹（PNG）</translation>
    </message>
    <message>
        <source>Choose a folder of mask frames (PNG)</source>
        <translation>选择蒙版帧文件夹（PNG）</translation>
    </message>
    <message>
        <source>Add reference images</source>
        <translation>添加参考图片</translation>
    </message>
    <message>
        <source>Source video</source>
        <translation>源视频</translation>
    </message>
    <message>
        <source>Video file or folder of PNG frames (optional)</source>
        <translation>视频文件或 PNG 帧文件夹（可选）</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>蒙版</translation>
    </message>
    <message>
        <source>White = generate, black = keep (optional)</source>
        <translation>白色 = 生成，黑色 = 保留（可选）</translation>
    </message>
    <message>
        <source>Reference images</source>
        <translation>参考图片</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Context scale</source>
        <translation>上下文强度</translation>
    </message>
    <message>
        <source>How strongly the source video and references steer the result (default 1.0)</source>
        <translation>源视频和参考图片对结果的影响程度（默认 1.0）</translation>
    </message>
    <message>
        <source>Keep the source's size and length</source>
        <translation>保持源视频的尺寸和长度</translation>
    </message>
    <message>
        <source>Without a source video the video is generated at the chosen size and length; a mask needs a source video.</source>
        <translation>没有源视频时，按所选尺寸和长度生成视频；蒙版需要配合源视频使用。</translation>
    </message>
    <message>
        <source>Not added: %1. Reference images must be PNG, JPEG, WebP or BMP files; drop image files from a folder.</source>
        <translation>未添加：%1。参考图片必须是 PNG、JPEG、WebP 或 BMP 文件；请从文件夹中拖入图片文件。</translation>
    </message>
    <message>
        <source>Nothing to add: drop image files (PNG, JPEG, WebP or BMP) onto the reference list.</source>
        <translation>没有可添加的内容：请将图片文件（PNG、JPEG、WebP 或 BMP）拖到参考图片列表上。</translation>
    </message>
    <message>
        <source>Choose the source video first: the mask is drawn over its first frame.</source>
        <translation>请先选择源视频：蒙版绘制在其第一帧上。</translation>
    </message>
    <message>
        <source>Draw…</source>
        <translation>绘制…</translation>
    </message>
    <message>
        <source>Paint the mask over the source video's first frame</source>
        <translation>在源视频的第一帧上绘制蒙版</translation>
    </message>
    <message>
        <source>Drop image files here, or add them with the button</source>
        <translation>将图片文件拖到这里，或用按钮添加</translation>
    </message>
</context>
<context>
    <name>wan::ui::VariationSheetDialog</name>
    <message>
        <source>Missing: no longer in the queue</source>
        <translation>缺失：已不在队列中</translation>
    </message>
    <message>
        <source>Missing: the result file is gone</source>
        <translation>缺失：结果文件已不存在</translation>
    </message>
    <message>
        <source>%1 %2%</source>
        <translation>%1 %2%</translation>
    </message>
    <message>
        <source>Kept</source>
        <translation>已保留</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No job of this group is left in the queue.</source>
        <translation>队列中已没有该组的任务。</translation>
    </message>
    <message>
        <source>Frame %1 of %2</source>
        <translation>第 %1 帧，共 %2 帧</translation>
    </message>
    <message numerus="yes">
        <source>Keep only %1 and discard the other %n job(s) of this group? Their results go to the trash and they leave the queue.</source>
        <translation><numerusform>只保留 %1，并丢弃该组的其他 %n 个任务？它们的结果会移到回收站，并离开队列。</numerusform></translation>
    </message>
    <message>
        <source>The running job is left alone; cancel it in the render queue.</source>
        <translation>正在运行的任务不受影响；请在渲染队列中取消它。</translation>
    </message>
    <message>
        <source>Discard the others</source>
        <translation>丢弃其他</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Discard the others…</source>
        <translation>丢弃其他…</translation>
    </message>
    <message>
        <source>Keep only the kept result: the group's other jobs leave the queue and their folders go to the trash (asks first)</source>
        <translation>只保留已保留的结果：该组的其他任务离开队列，其文件夹移到回收站（会先询问）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>wan::ui::VariationsDialog</name>
    <message>
        <source>Steps are whole numbers (got %1).</source>
        <translation>步数必须是整数（收到 %1）。</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) queued as one group: %1</source>
        <translation><numerusform>%n 个任务已作为一组加入队列：%1</numerusform></translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Seeds:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>The seed is random: each job gets its own random seed, drawn now and shown on its cell.</source>
        <translation>种子为随机：每个任务现在各自抽取一个随机种子，并显示在其格子上。</translation>
    </message>
    <message>
        <source>Seeds %1, %2, … counted up from the form's seed.</source>
        <translation>种子 %1、%2、…，从表单中的种子开始递增。</translation>
    </message>
    <message>
        <source>Grid (every combination, at most %1):</source>
        <translation>网格（所有组合，最多 %1 个）：</translation>
    </message>
    <message>
        <source>Guidance:</source>
        <translation>引导强度：</translation>
    </message>
    <message>
        <source>Shift:</source>
        <translation>偏移：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>values, e.g. 4; 5; 6 (empty: the form's)</source>
        <translation>数值，例如 4; 5; 6（留空：使用表单中的值）</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>加入队列</translation>
    </message>
</context>
<context>
    <name>wan::ui::ViewMenu</name>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
</context>
</TS>