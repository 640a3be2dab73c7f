# Simplified Chinese for every user-visible string of Wan Studio, keyed by the English source text.
# Applied to translations/wan_studio_zh_CN.ts by fill_ts.py after lupdate.
ZH = {
"Choose the folder of an official Wan2.1 model (for example Wan-AI/Wan2.1-T2V-1.3B from Hugging Face or ModelScope) that contains every file listed under the model folder field.":
    "请选择官方 Wan2.1 模型的文件夹（例如 Hugging Face 或 ModelScope 上的 Wan-AI/Wan2.1-T2V-1.3B），其中须包含模型文件夹一栏下列出的所有文件。",
"A model file is damaged or incomplete, usually from an interrupted download. Download that file again.":
    "某个模型文件已损坏或不完整，通常是下载中断所致。请重新下载该文件。",
"Check that the output folder exists, is writable and that the disk is not full (Settings → Output folder).":
    "请确认输出文件夹存在且可写，并且磁盘没有满（设置 → 输出文件夹）。",
"Use another input image (PNG, JPEG, WebP or BMP) or save it again with an image editor.":
    "请换一张输入图片（PNG、JPEG、WebP 或 BMP），或用图片编辑器重新保存。",
"Not enough memory. Try a smaller size, fewer frames, the memory mode “Offload” or “T5 on CPU”, or close other programs.":
    "内存不足。请尝试更小的尺寸、更少的帧数、内存模式“卸载”或“文本编码器放在 CPU”，或关闭其他程序。",
"Check the generation settings: sizes must be multiples of 16 and frame counts 4n+1.":
    "请检查生成设置：尺寸必须是 16 的倍数，帧数必须是 4n+1。",
"Check the network connection or turn prompt extension off.":
    "请检查网络连接，或关闭提示词扩写。",
"This is a bug. The log (Help → Open log) has the details; please include it in a report.":
    "这是程序缺陷。日志（帮助 → 打开日志）中有详细信息，报告问题时请附上日志。",
"%1 is not a supported image. Use a PNG, JPEG, WebP or BMP file.":
    "%1 不是支持的图片。请使用 PNG、JPEG、WebP 或 BMP 文件。",
"%1 does not exist.": "%1 不存在。",
"This system cannot read %1 images: install the Qt image format plugins (Debian: qt6-image-formats-plugins) or convert %2 to PNG.":
    "本系统无法读取 %1 图片：请安装 Qt 图片格式插件（Debian：qt6-image-formats-plugins），或将 %2 转换为 PNG。",
"%1 could not be read as an image (%2). The file may be damaged.":
    "无法将 %1 作为图片读取（%2）。文件可能已损坏。",
"Nothing to use here.": "这里没有可用的内容。",
"Only image files can be used here (PNG, JPEG, WebP, BMP). For an image on a web page, save it first or drag the picture itself.":
    "这里只能使用图片文件（PNG、JPEG、WebP、BMP）。网页上的图片请先保存，或直接拖动图片本身。",
"This is not an image. Drop or paste a PNG, JPEG, WebP or BMP image.":
    "这不是图片。请拖入或粘贴 PNG、JPEG、WebP 或 BMP 图片。",
"Out of memory.": "内存不足。",
"Unknown error in the engine.": "推理引擎发生未知错误。",
"Queued": "排队中",
"Running": "运行中",
"Paused": "已暂停",
"Done": "已完成",
"Failed": "失败",
"Cancelled": "已取消",
"Extend prompt": "扩写提示词",
"The rewritten prompt appears here; you can edit it before using it.": "改写后的提示词显示在这里，使用前可以修改。",
"Use rewrite": "使用改写",
"Retry": "重试",
"Keep original": "保留原文",
"Rewrite in:": "改写语言：",
"Original:": "原文：",
"Rewrite:": "改写：",
"Asking the model…": "正在请求模型…",
"Rewritten by %1. Edit it if you like, then use it or keep the original.": "由 %1 改写。可以先修改，然后使用改写或保留原文。",
"Extend prompts automatically when queuing": "加入队列时自动扩写提示词",
"%1\n\nExtended from: %2": "%1\n\n扩写自：%2",
"Automatic prompt extension: %1": "自动扩写提示词：%1",
"Dashscope (Alibaba Cloud)": "Dashscope（阿里云）",
"Local OpenAI-compatible server (vLLM, llama.cpp, Ollama)": "本地 OpenAI 兼容服务（vLLM、llama.cpp、Ollama）",
"Show": "显示",
" s": " 秒",
"Test connection": "测试连接",
"Service:": "服务：",
"URL:": "地址：",
"Text model:": "文本模型：",
"Vision model (I2V):": "视觉模型（图生视频）：",
"API key:": "API 密钥：",
"Give up after:": "超时放弃：",
"Attempts:": "尝试次数：",
"This build has no network support (built without libcurl): prompt extension is unavailable.":
    "此版本没有网络支持（构建时未包含 libcurl），无法使用提示词扩写。",
"empty: $DASH_API_URL or the international endpoint": "留空：使用 $DASH_API_URL 或国际站地址",
"empty: $DASH_API_KEY": "留空：使用 $DASH_API_KEY",
"optional": "可选",
"The key is stored unencrypted in the application's settings file. Setting the DASH_API_KEY environment variable instead keeps it out of that file.":
    "密钥以明文保存在应用的设置文件中。改用 DASH_API_KEY 环境变量可避免写入该文件。",
"No key: set DASH_API_KEY or enter one here.": "没有密钥：请设置 DASH_API_KEY 或在此输入。",
"DASH_API_KEY is set in the environment and will be used.": "环境变量中已设置 DASH_API_KEY，将使用它。",
"Cancel": "取消",
"Connecting…": "正在连接…",
"Connected: %1 answered.": "已连接：%1 已响应。",
"Cancelled.": "已取消。",
"Could not create the job folder %1.": "无法创建任务文件夹 %1。",
"Could not write %1: %2.": "无法写入 %1：%2。",
"Could not save the render queue to %1: %2. Check that the disk is not full and the folder is writable.":
    "无法将渲染队列保存到 %1：%2。请确认磁盘未满且文件夹可写。",
"Could not read the render queue %1: %2.": "无法读取渲染队列 %1：%2。",
"the file is damaged (%1 at byte %2), probably written only in part": "文件已损坏（第 %2 字节处：%1），可能只写入了一部分",
"the file is not a Wan Studio queue": "该文件不是 Wan Studio 的队列文件",
"the file cannot be read: %1": "无法读取该文件：%1",
"%1 is the job's own file: choose another name or folder.": "%1 是该任务自己的文件：请选择其他文件名或文件夹。",
"Could not read %1: %2.": "无法读取 %1：%2。",
"Check that the folder is writable and the disk is not full.": "请检查文件夹是否可写、磁盘是否已满。",
"Wan Studio is already running for this user (its data folder %1 is in use). Switch to the open window, or close it first.": "Wan Studio 已在为当前用户运行（其数据文件夹 %1 正在使用中）。请切换到已打开的窗口，或先将其关闭。",
"the file cannot be opened: %1": "无法打开该文件：%1",
"The render queue is not saved: %1 could not be read nor moved aside, and saving would replace it.": "渲染队列未保存：%1 既无法读取也无法移到一旁，保存会覆盖它。",
"the file was written by a newer version of Wan Studio": "该文件由更新版本的 Wan Studio 写入",
"%n job(s) could not be read": ["有 %n 个任务无法读取"],
"The render queue file could not be fully read (%1). It was kept as %2.": "渲染队列文件未能完整读取（%1）。原文件已保留为 %2。",
"The render queue file %1 could not be fully read (%2).": "渲染队列文件 %1 未能完整读取（%2）。",
"Text to video": "文生视频",
"Image to video": "图生视频",
"Text to image": "文生图",
"%n job(s) were running when Wan Studio stopped and are queued again (%1 will only be decoded from their saved latents). The queue is paused: press “Resume queue” to go on.":
    ["Wan Studio 上次退出时有 %n 个任务正在运行，现已重新排队（其中 %1 个将直接从已保存的潜变量解码）。队列已暂停：点击“继续队列”以继续。"],
"Custom": "自定义",
"one image": "一张图片",
"%1 s at %2 fps": "%1 秒（%2 帧/秒）",
"Frame counts are 4n+1 (81 frames ≈ 5 s).": "帧数为 4n+1（81 帧约 5 秒）。",
"Frame counts must be 4n+1, e.g. %1.": "帧数必须是 4n+1，例如 %1。",
"Use seed %1 from the last finished job": "使用上一个完成任务的种子 %1",
"Width and height must be multiples of %1.": "宽度和高度必须是 %1 的倍数。",
"The frame count must be 4n+1 (for example %1).": "帧数必须是 4n+1（例如 %1）。",
"Size": "尺寸",
"Frames": "帧数",
"Steps": "步数",
"Solver": "采样器",
"Shift": "偏移",
"Guidance": "引导强度",
"Seed": "种子",
"Memory": "内存",
"Noise schedule shift: 5 for most videos, 3 for image to video at 480p.": "噪声调度偏移：大多数视频用 5，480p 图生视频用 3。",
"How strongly the prompt is followed (classifier-free guidance).": "遵循提示词的程度（无分类器引导）。",
"More steps: more detail, slower. Official: 50 (image to video: 40).": "步数越多细节越多，但越慢。官方默认：50（图生视频：40）。",
"Random": "随机",
"Fixed": "固定",
"Reuse last": "沿用上次",
"Automatic": "自动",
"Everything on the device (fastest)": "全部放在设备上（最快）",
"Text encoder on CPU": "文本编码器放在 CPU",
"Offload (least memory, slower)": "卸载（最省内存，较慢）",
"Offload each model after its stage": "每个模型用完即卸载",
"The clipboard holds no image. Copy an image (or an image file) first.": "剪贴板中没有图片。请先复制一张图片（或图片文件）。",
"Could not save the pasted image to %1. Check that the disk is not full.": "无法将粘贴的图片保存到 %1。请确认磁盘未满。",
"Browse…": "浏览…",
"Paste": "粘贴",
"Clear": "清除",
"Drop an image here": "将图片拖到这里",
"%1\nImage: %2×%3\nVideo: %4×%5 (same area as the chosen size, aspect kept)": "%1\n图片：%2×%3\n视频：%4×%5（面积与所选尺寸相同，保持宽高比）",
"Drop a PNG, JPEG, WebP or BMP image here, paste one (Ctrl+V) or browse.": "将 PNG、JPEG、WebP 或 BMP 图片拖到这里，粘贴（Ctrl+V）或浏览选择。",
"Choose the first frame": "选择首帧图片",
"Images (%1)": "图片 (%1)",
"Render queue": "渲染队列",
"About Wan Studio": "关于 Wan Studio",
"<b>Wan Studio %1</b><br>A desktop studio for the open Wan2.1 video models: text to video, image to video and text to image, on your own computer.":
    "<b>Wan Studio %1</b><br>面向开源 Wan2.1 视频模型的桌面工作室：文生视频、图生视频和文生图，全部在你自己的电脑上运行。",
"Wan Studio": "Wan Studio",
"Progress": "进度",
"Result": "结果",
"Model folder": "模型文件夹",
"Prompt": "提示词",
"Describe the video: subject, action, scene, camera, style. Chinese and English both work.": "描述视频：主体、动作、场景、镜头、风格。中文和英文均可。",
"Negative prompt (what to avoid)": "反向提示词（需要避免的内容）",
"First frame": "首帧",
"Generation": "生成设置",
"Add to queue": "加入队列",
"Update queued job": "更新排队中的任务",
"Stop editing": "停止编辑",
"&File": "文件(&F)",
"Export as…": "导出为…",
"Open output folder": "打开输出文件夹",
"Settings…": "设置…",
"Quit": "退出",
"&Edit": "编辑(&E)",
"Paste image as first frame": "粘贴图片作为首帧",
"&Queue": "队列(&Q)",
"&Help": "帮助(&H)",
"Open log": "打开日志",
"Open log folder": "打开日志文件夹",
"Where to get the models": "如何获取模型",
"The model folder is still being checked; try again in a moment.": "仍在检查模型文件夹，请稍后再试。",
"Choose a usable model folder first. %1": "请先选择一个可用的模型文件夹。%1",
"This model folder holds a text-to-video model; image to video needs an I2V model (Wan2.1-I2V-14B-480P or -720P).":
    "该模型文件夹是文生视频模型；图生视频需要 I2V 模型（Wan2.1-I2V-14B-480P 或 -720P）。",
"This model folder holds an image-to-video model; choose a T2V model folder for this task.": "该模型文件夹是图生视频模型；此任务请选择 T2V 模型文件夹。",
"Write a prompt first.": "请先填写提示词。",
"Image to video needs a first frame: drop, paste or browse an image.": "图生视频需要首帧：请拖入、粘贴或浏览选择一张图片。",
"That job has already started or was removed; it was not changed.": "该任务已开始或已被移除，未做修改。",
"Queued job updated.": "排队中的任务已更新。",
"Added to the render queue.": "已加入渲染队列。",
"Saved to %1": "已保存到 %1",
"The job was cancelled.": "任务已取消。",
"Select a finished job to export.": "请选择一个已完成的任务来导出。",
"Export as": "导出为",
"PNG image (*.png)": "PNG 图片 (*.png)",
"MP4 video (*.mp4)": "MP4 视频 (*.mp4)",
"Could not write %1. Check that the folder is writable and the disk is not full.": "无法写入 %1。请确认文件夹可写且磁盘未满。",
"Exported to %1": "已导出到 %1",
"There is no log yet.": "还没有日志。",
"Download the whole model folder and choose it under “Model folder”. The 1.3B text-to-video model needs about 8 GB of memory; the 14B models much more.":
    "请下载完整的模型文件夹，并在“模型文件夹”中选择它。1.3B 文生视频模型大约需要 8 GB 内存，14B 模型需要的更多。",
"A job is running": "有任务正在运行",
"A job is still running. Quit anyway? The job will be cancelled; queued jobs stay in the queue.": "仍有任务在运行。确定要退出吗？该任务将被取消，排队中的任务会保留在队列中。",
"Get the official weights (the whole folder):": "获取官方权重（整个文件夹）：",
"Checking the model folder…": "正在检查模型文件夹…",
"Choose the folder of a Wan2.1 model.": "请选择 Wan2.1 模型所在的文件夹。",
"image to video": "图生视频",
"text to video": "文生视频",
"Wan2.1 %1 model, %2": "Wan2.1 %1 模型，%2",
"Missing or unusable: %1": "缺失或不可用：%1",
"Choose the model folder": "选择模型文件夹",
"Folder with diffusion_pytorch_model*.safetensors, Wan2.1_VAE.pth, …": "包含 diffusion_pytorch_model*.safetensors、Wan2.1_VAE.pth 等文件的文件夹",
"The finished video plays here.": "完成的视频将在这里播放。",
"Frame %1/%2": "第 %1/%2 帧",
"Frame %1": "第 %1 帧",
"Pause": "暂停",
"Play": "播放",
"Loop": "循环",
"Previous frame": "上一帧",
"Next frame": "下一帧",
"Loading the model": "正在加载模型",
"Reading the prompt": "正在编码提示词",
"Reading the image": "正在编码图片",
"Generating": "正在生成",
"Decoding frames": "正在解码画面",
"Writing the video": "正在写入视频",
"%1 h %2 min": "%1 小时 %2 分",
"%1 min %2 s": "%1 分 %2 秒",
"%1 s": "%1 秒",
"Cancelling…": "正在取消…",
"The preview appears here while a job runs.": "任务运行时，预览会显示在这里。",
"Waiting for the first step…": "等待第一步…",
"Step %1/%2": "第 %1/%2 步",
"%1/%2": "%1/%2",
"%1 s/step": "%1 秒/步",
"ETA %1": "剩余 %1",
"Done in %1": "用时 %1 完成",
"≈ %1 / %2 tokens": "≈ %1 / %2 个词元",
"Probably longer than the model reads: text after about %1 tokens is cut off.": "可能超出模型能读取的长度：大约 %1 个词元之后的文字会被截断。",
"A quick estimate, not the exact tokenizer count.": "这是快速估算，并非分词器的精确计数。",
"No recent prompts": "没有最近的提示词",
"Recent": "最近",
"Use a recent prompt again": "再次使用最近的提示词",
"Release": "放行",
"Hold": "搁置",
"Render queue (paused)": "渲染队列（已暂停）",
"Resume queue": "继续队列",
"Pause queue": "暂停队列",
"Pause after the current job / resume": "当前任务完成后暂停 / 继续",
"Remove": "移除",
"Duplicate": "复制",
"Edit": "编辑",
"Load this queued job into the editor to change it": "将此排队任务载入编辑区进行修改",
"Hold a queued job (the queue skips it) or release it": "搁置排队中的任务（队列会跳过它）或放行",
"Pause and free GPU": "暂停并释放 GPU",
"Hold a queued job (the queue skips it) or release it; pause the running job at the next step and free the GPU (releasing it continues from there)": "搁置排队中的任务（队列会跳过它）或放行；在下一步暂停正在运行的任务并释放 GPU（放行后从暂停处继续）",
"Open folder": "打开文件夹",
"Preview": "预览",
"Task": "任务",
"State": "状态",
"ETA": "剩余时间",
"Settings": "设置",
"Same as the system": "跟随系统",
"Output folder": "输出文件夹",
"Language": "语言",
"Device": "设备",
"Each job gets its own folder inside the output folder: the video, its final latents, settings.json and a log.":
    "每个任务都会在输出文件夹中拥有自己的子文件夹：视频、最终潜变量、settings.json 和日志。",
"Extend prompt…": "扩写提示词…",
"Let a language model rewrite the prompt with more detail (set it up in Settings → Prompt extension)":
    "让语言模型用更多细节改写提示词（在 设置 → 提示词扩写 中配置）",
"General": "常规",
"Prompt extension": "提示词扩写",
# First & last frame to video, video editing (VACE)
"First & last frame to video": "首尾帧生成视频",
"Video editing (VACE)": "视频编辑（VACE）",
"%1\nImage: %2×%3": "%1\n图片：%2×%3",
"First and last frame": "首帧与尾帧",
"Last frame": "尾帧",
"Choose the last frame": "选择尾帧",
"Video to edit": "要编辑的视频",
"The video takes the first frame's aspect ratio; the last frame is center-cropped to it.":
    "视频采用首帧的宽高比；尾帧将居中裁剪为该比例。",
"Video: %1×%2 (the first frame's aspect ratio, same area as the chosen size)":
    "视频：%1×%2（首帧的宽高比，面积与所选尺寸相同）",
"a text-to-video model": "文生视频模型",
"an image-to-video model": "图生视频模型",
"a first-and-last-frame model": "首尾帧模型",
"a VACE video-editing model": "VACE 视频编辑模型",
"This model folder holds %1; image to video needs an I2V model (Wan2.1-I2V-14B-480P or -720P).":
    "此模型文件夹中是%1；图生视频需要 I2V 模型（Wan2.1-I2V-14B-480P 或 -720P）。",
"This model folder holds %1; first & last frame to video needs an FLF2V model (Wan2.1-FLF2V-14B-720P).":
    "此模型文件夹中是%1；首尾帧生成视频需要 FLF2V 模型（Wan2.1-FLF2V-14B-720P）。",
"This model folder holds %1; video editing needs a VACE model (Wan2.1-VACE-1.3B or -14B).":
    "此模型文件夹中是%1；视频编辑需要 VACE 模型（Wan2.1-VACE-1.3B 或 -14B）。",
"This model folder holds %1; choose a T2V model folder for this task.":
    "此模型文件夹中是%1；此任务请选择 T2V 模型文件夹。",
"First & last frame to video needs both frames: drop, paste or browse a first and a last frame image.":
    "首尾帧生成视频需要两帧：请拖入、粘贴或浏览选择首帧和尾帧图片。",
"The first frame is missing: drop, paste or browse an image for it.":
    "缺少首帧：请拖入、粘贴或浏览选择一张图片。",
"The last frame is missing: drop, paste or browse an image for it.":
    "缺少尾帧：请拖入、粘贴或浏览选择一张图片。",
"A mask needs a source video: choose the video the mask belongs to, or clear the mask.":
    "蒙版需要源视频：请选择该蒙版对应的视频，或清除蒙版。",
"The source video %1 does not exist.": "源视频 %1 不存在。",
"The mask %1 does not exist.": "蒙版 %1 不存在。",
"first & last frame to video": "首尾帧生成视频",
"video editing (VACE)": "视频编辑（VACE）",
"Choose the source video": "选择源视频",
"Choose the mask video": "选择蒙版视频",
"Videos (*.mp4 *.mov *.mkv *.webm *.avi);;All files (*)":
    "视频 (*.mp4 *.mov *.mkv *.webm *.avi);;所有文件 (*)",
"Choose a folder of source frames (PNG)": "选择源视频帧文件夹（PNG）",
"Choose a folder of mask frames (PNG)": "选择蒙版帧文件夹（PNG）",
"Add reference images": "添加参考图片",
"Source video": "源视频",
"Video file or folder of PNG frames (optional)": "视频文件或 PNG 帧文件夹（可选）",
"File…": "文件…",
"Folder…": "文件夹…",
"Mask": "蒙版",
"White = generate, black = keep (optional)": "白色 = 生成，黑色 = 保留（可选）",
"Reference images": "参考图片",
"Add…": "添加…",
"Context scale": "上下文强度",
"How strongly the source video and references steer the result (default 1.0)":
    "源视频和参考图片对结果的影响程度（默认 1.0）",
"Keep the source's size and length": "保持源视频的尺寸和长度",
"Without a source video the video is generated at the chosen size and length; a mask needs a source video.":
    "没有源视频时，按所选尺寸和长度生成视频；蒙版需要配合源视频使用。",
# Device and noise pickers
"CPU — %1, %2 GiB RAM": "CPU — %1，%2 GiB 内存",
"GPU %1 — %2, %3 GiB, compute capability %4.%5": "GPU %1 — %2，%3 GiB，计算能力 %4.%5",
"%1 — not found on this computer": "%1 — 在此电脑上未找到",
"CPU — a seed gives the same video on every computer": "CPU — 同一种子在每台电脑上生成相同的视频",
"Device — the GPU's own generator, as the official script": "设备 — 使用 GPU 自身的随机数生成器，与官方脚本一致",
"Where the starting noise is drawn. \"Device\" reproduces videos made with the official Python script on an NVIDIA GPU; the same seed then gives another video on the CPU.":
    "初始噪声在哪里生成。“设备”可复现官方 Python 脚本在 NVIDIA GPU 上生成的视频；此时同一种子在 CPU 上会生成不同的视频。",
"Noise": "噪声",
# Issue #14 (h14): mask painter, player actions, FLF2V/VACE queue thumbnails, reference drops.
"Cannot read the video %1: %2": "无法读取视频 %1：%2",
"Cannot read the frame %1 (%2). Replace it with a readable PNG file.":
    "无法读取帧 %1（%2）。请换成可读取的 PNG 文件。",
"%1 does not exist. Choose a video file or a folder of PNG frames.":
    "%1 不存在。请选择视频文件或包含 PNG 帧的文件夹。",
"The folder %1 holds no PNG frames (*.png). Choose a folder of numbered PNG frames or a video file.":
    "文件夹 %1 中没有 PNG 帧（*.png）。请选择包含按序编号的 PNG 帧的文件夹，或选择视频文件。",
"This build cannot decode the video %1. Export its frames as PNG files into a folder and choose the folder.":
    "此版本无法解码视频 %1。请将其各帧导出为 PNG 文件放入一个文件夹，然后选择该文件夹。",
"The video %1 holds no readable frames. Choose another video or a folder of PNG frames.":
    "视频 %1 中没有可读取的帧。请选择其他视频或包含 PNG 帧的文件夹。",
"Bridge two clips": "衔接两个片段",
"The new clip starts on the last frame of the clip shown and ends on the first frame of the clip you pick:":
    "新片段以当前片段的最后一帧开始，以你选择的片段的第一帧结束：",
"%1 · %2": "%1 · %2",
"Taken from the source video": "取自源视频",
"Choose a finished job whose result file still exists.": "请选择一个已完成且结果文件仍然存在的任务。",
"Could not save the frame to %1. Check that the folder is writable and the disk is not full.":
    "无法将帧保存到 %1。请确认文件夹可写且磁盘没有满。",
"The clip's last frame is the new first frame. Review the form, then add it to the queue.":
    "该片段的最后一帧已作为新的首帧。请检查表单，然后加入队列。",
"Choose two different finished clips to bridge.": "请选择两个不同的已完成片段进行衔接。",
"The bridge starts on the first clip's last frame and ends on the second clip's first frame. Review the form, then add it to the queue.":
    "衔接片段以第一个片段的最后一帧开始，以第二个片段的第一帧结束。请检查表单，然后加入队列。",
"Show a finished clip in the player first.": "请先在播放器中显示一个已完成的片段。",
"Bridging needs a second finished clip in the render queue: generate or keep one first.":
    "衔接需要渲染队列中还有另一个已完成的片段：请先生成或保留一个。",
"The mask has no frames to write.": "蒙版没有可写入的帧。",
"%1 already exists; choose another folder for the mask.": "%1 已存在；请为蒙版选择其他文件夹。",
"Could not create the folder %1. Check that it is writable.": "无法创建文件夹 %1。请确认其可写。",
"Could not create a folder in %1. Check that it is writable.": "无法在 %1 中创建文件夹。请确认其可写。",
"Could not write the mask frame %1. Check that the disk is not full.": "无法写入蒙版帧 %1。请确认磁盘没有满。",
"Could not move the mask frames into %1.": "无法将蒙版帧移动到 %1。",
"The mask is empty: paint or draw a box where the video should change (white), or cancel.":
    "蒙版为空：请在视频需要改变的地方涂抹或画框（白色），或者取消。",
"Frame %1 of %2": "第 %1 帧，共 %2 帧",
"No key frames yet: drag a box on this frame.": "还没有关键帧：请在此帧上拖出一个框。",
"Box key frames: %1": "框的关键帧：%1",
"Draw a mask": "绘制蒙版",
"Brush": "画笔",
"Paint the area to generate": "涂抹要生成的区域",
"Eraser": "橡皮擦",
"Paint the area to keep": "涂抹要保留的区域",
"Box": "框",
"Drag a box to generate inside it": "拖出一个框，在框内生成",
"Radius": "半径",
"Over time": "随时间",
"Same mask for all frames": "所有帧使用同一蒙版",
"Box track over the frames": "逐帧框轨迹",
"Remove key": "删除关键帧",
"Tinted areas are generated (white in the mask); the rest of the video is kept. A box track moves a box between key frames: pick a frame, drag a box, repeat; before the first and after the last key the box stays put.":
    "着色区域将被生成（蒙版中为白色），视频其余部分保持不变。框轨迹让框在关键帧之间移动：选择一帧，拖出一个框，重复此操作；在第一个关键帧之前和最后一个关键帧之后，框保持不动。",
"Continue from last frame": "从最后一帧继续",
"Start a new image-to-video job on this clip's last frame": "以该片段的最后一帧开始一个新的图生视频任务",
"Bridge two clips…": "衔接两个片段…",
"A first-and-last-frame job from this clip's end to the start of another finished clip":
    "一个首尾帧任务：从该片段的结尾过渡到另一个已完成片段的开头",
"Not added: %1. Reference images must be PNG, JPEG, WebP or BMP files; drop image files from a folder.":
    "未添加：%1。参考图片必须是 PNG、JPEG、WebP 或 BMP 文件；请从文件夹中拖入图片文件。",
"Nothing to add: drop image files (PNG, JPEG, WebP or BMP) onto the reference list.":
    "没有可添加的内容：请将图片文件（PNG、JPEG、WebP 或 BMP）拖到参考图片列表上。",
"Choose the source video first: the mask is drawn over its first frame.": "请先选择源视频：蒙版绘制在其第一帧上。",
"Draw…": "绘制…",
"Paint the mask over the source video's first frame": "在源视频的第一帧上绘制蒙版",
"Drop image files here, or add them with the button": "将图片文件拖到这里，或用按钮添加",
# Quitting with a job that does not stop, and per-service prompt-extension settings
"Still stopping": "仍在停止",
"The running job has not stopped yet (it may be loading a model or in the middle of a step). Wan Studio closes its window now and quits as soon as it has stopped; queued jobs stay in the queue.\n\nForce quit ends Wan Studio at once.":
    "正在运行的任务尚未停止（可能正在加载模型或处于某一步的中途）。Wan Studio 现在关闭窗口，并在任务停止后立即退出；排队中的任务会保留在队列中。\n\n强制退出会立即结束 Wan Studio。",
"Finish in the background": "在后台完成",
"Force quit": "强制退出",
"DASH_API_URL is set: requests and the key go to %1.": "已设置 DASH_API_URL：请求和密钥将发送到 %1。",
"DASH_API_URL (%1) is neither https nor this computer: the key is not sent there. Use an https:// address or enter the URL here.":
    "DASH_API_URL（%1）既不是 https 地址，也不是本机：密钥不会发送到那里。请使用 https:// 地址，或在此处填写 URL。",
# Draft / final sampling, step cache and LoRAs (generation settings)
"Speed": "速度",
"Strength of this LoRA (0 turns it off)": "此 LoRA 的强度（0 表示关闭）",
"Add LoRA": "添加 LoRA",
"LoRA weights (*.safetensors)": "LoRA 权重 (*.safetensors)",
"Final (full sampler)": "终稿（完整采样）",
"Draft (distilled, 4 steps)": "草稿（蒸馏，4 步）",
"Draft needs a step-distilled LoRA (such as lightx2v's): 4 steps, no guidance, about 20 times fewer model calls. Final uses the full sampler.":
    "草稿需要步数蒸馏的 LoRA（例如 lightx2v 的）：4 步、无引导，模型调用次数约少 20 倍。终稿使用完整采样器。",
"No step cache": "不使用步骤缓存",
"TeaCache: quality": "TeaCache：质量优先",
"TeaCache: balanced": "TeaCache：均衡",
"TeaCache: fast": "TeaCache：速度优先",
"MagCache: quality": "MagCache：质量优先",
"MagCache: balanced": "MagCache：均衡",
"MagCache: fast": "MagCache：速度优先",
"Reuse the model's work of earlier steps when little changes: faster, slightly different result. The job log says how many steps were skipped.":
    "变化很小时复用模型在前几步的计算：更快，结果略有不同。任务日志会说明跳过了多少步。",
"LoRA": "LoRA",
"Strength": "强度",
"Add LoRA…": "添加 LoRA…",
"Promote to final": "提升为终稿",
"Queue this draft again with the full sampler, the same settings and seed": "用完整采样器、相同的设置和种子重新排队此草稿",
"Add the LoRA file again in the LoRA list, or remove it from the job.": "请在 LoRA 列表中重新添加该 LoRA 文件，或将其从任务中移除。",
"Drop the input image (or both frames) on the form.": "请把输入图像（或首尾两帧）拖到表单上。",
"Set the LoRA mode to Automatic or On the fly.": "请将 LoRA 模式设为“自动”或“即时应用”。",
"Could not create the folder %1 for the job's input pictures. Check that the disk is writable.":
    "无法创建用于存放任务输入图片的文件夹 %1。请检查磁盘是否可写。",
"Could not create a folder in %1 for the job's input pictures. Check that the disk is writable.":
    "无法在 %1 中创建用于存放任务输入图片的文件夹。请检查磁盘是否可写。",
"Could not copy %1 into the job's input folder %2. Check that the picture still exists and the disk has free space.":
    "无法将 %1 复制到任务的输入文件夹 %2。请检查图片是否仍然存在，以及磁盘是否有剩余空间。",
"The built-in demo model makes %1×%2, %3 frames only.":
    "内置演示模型只能生成 %1×%2、%3 帧的视频。",
"The built-in demo model makes videos only: choose Text to video, or another model folder.":
    "内置演示模型只能生成视频：请选择“文本生成视频”，或换用其他模型文件夹。",
"Built-in demo model: %1×%2, %3 frames, a few seconds per clip on the CPU. It knows only simple shapes, colours and motions.":
    "内置演示模型：%1×%2，%3 帧，在 CPU 上每段只需几秒。它只认识简单的形状、颜色和运动。",
"For example: “%1”":
    "例如：“%1”",
"Built-in demo":
    "内置演示",
"A tiny model that comes with Wan Studio: small clips of simple shapes in seconds on any CPU":
    "Wan Studio 自带的微型模型：在任何 CPU 上几秒内生成简单形状的小片段",
"Model files (*.safetensors *.gguf *.pth *.pt *.model)":
    "模型文件 (*.safetensors *.gguf *.pth *.pt *.model)",
"All files (*)":
    "所有文件 (*)",
"Choose the %1 file":
    "选择%1文件",
"Checking the model files…":
    "正在检查模型文件…",
"Ready: %1, %2":
    "就绪：%1，%2",
"This model set cannot run yet:":
    "这组模型文件还无法运行：",
"Not needed: only image-to-video models read an image encoder.":
    "不需要：只有图生视频模型才会读取图像编码器。",
"Not used: only image-to-video models read an image encoder.":
    "不会使用：只有图生视频模型才会读取图像编码器。",
"Uses %1":
    "使用 %1",
"From the model folder: %1 · %2":
    "来自模型文件夹：%1 · %2",
"Model files":
    "模型文件",
"Use single model files (ComfyUI, GGUF, …) in place of the model folder's own. An empty row takes that part from the model folder. You can also drop files here.":
    "用单个模型文件（ComfyUI、GGUF 等）代替模型文件夹中的对应文件。留空的一行使用模型文件夹中的该部分。也可以把文件拖到这里。",
"No model folder: choose the DiT, text encoder and VAE files (and CLIP for image models).":
    "没有模型文件夹：请选择 DiT、文本编码器和 VAE 文件（图像模型还需要 CLIP）。",
"Model folder: %1":
    "模型文件夹：%1",
"DiT (diffusion model)":
    "DiT（扩散模型）",
"Text encoder (umT5)":
    "文本编码器（umT5）",
"VAE":
    "VAE",
"CLIP (image models)":
    "CLIP（图像模型）",
"Tokenizer":
    "分词器",
"Found beside the text encoder file":
    "在文本编码器文件旁查找",
"From the model folder":
    "来自模型文件夹",
"Not set":
    "未设置",
"DiT":
    "DiT",
"text encoder":
    "文本编码器",
"CLIP":
    "CLIP",
"tokenizer":
    "分词器",
"Model files: %1":
    "模型文件：%1",
"Model files…":
    "模型文件…",
"Use single files (ComfyUI, GGUF, …) for the DiT, text encoder, VAE or CLIP in place of the folder's own":
    "为 DiT、文本编码器、VAE 或 CLIP 使用单个文件（ComfyUI、GGUF 等），代替模型文件夹中的对应文件",
# Engine errors in the user's language (ui/services/ErrorText.cpp).
"The job's settings are not valid.": "任务设置无效。",
"The model is incomplete or not a Wan2.1 model.": "模型不完整，或不是 Wan2.1 模型。",
"A model file is damaged.": "某个模型文件已损坏。",
"A file could not be read or written.": "无法读取或写入某个文件。",
"The input image cannot be used.": "无法使用输入图片。",
"There is not enough memory for this job.": "内存不足，无法运行此任务。",
"The network request failed.": "网络请求失败。",
"Something went wrong inside the engine.": "推理引擎内部出错。",
"The job failed.": "任务失败。",
"The number of steps must be between 1 and 1000.": "步数必须在 1 到 1000 之间。",
"The shift must be a positive number.": "偏移（shift）必须是正数。",
"The guidance must be a finite number.": "引导强度必须是有限的数值。",
"The seed must be 0 or more, or random.": "种子必须大于或等于 0，或设为随机。",
"Each LoRA needs a file and a finite strength.": "每个 LoRA 都需要一个文件和有限的强度值。",
"A LoRA file of this job does not exist.": "此任务的某个 LoRA 文件不存在。",
"The step cache threshold must be a finite number.": "步骤缓存阈值必须是有限的数值。",
"The GPU memory budget must be between 0.5 and 4096 GiB.": "显存预算必须在 0.5 到 4096 GiB 之间。",
"The size is out of range: each side must be between 1 and 8192 pixels.": "尺寸超出范围：每条边必须在 1 到 8192 像素之间。",
"Width and height must be multiples of 16.": "宽度和高度必须是 16 的倍数。",
"The size is too small for this task.": "尺寸对此任务来说太小。",
"The frame count does not fit: videos take 4n+1 frames (5, 9, …, 81), images one.":
    "帧数不符合要求：视频需要 4n+1 帧（5、9……81），图片为 1 帧。",
"There are more frames than the maximum of %1: make longer videos in parts.":
    "帧数超过了上限 %1：请分段制作较长的视频。",
"The job has no file or folder to write its result to.": "任务没有可写入结果的文件或文件夹。",
"The job holds an input file that its task does not take.": "任务包含了其任务类型不接受的输入文件。",
"The VACE context scale must be a finite number.": "VACE 上下文强度必须是有限的数值。",
"An input image is missing.": "缺少输入图片。",
"First & last frame to video needs at least 5 frames.": "首尾帧生成视频至少需要 5 帧。",
"A PNG holds one frame: save videos as MP4.": "PNG 只能保存一帧：请将视频保存为 MP4。",
"The frame rate must be between 1 and 240 fps.": "帧率必须在 1 到 240 fps 之间。",
"LoRAs cannot be merged into a model that is streamed block by block.": "无法将 LoRA 合并到逐块流式加载的模型中。",
"The settings file is not valid JSON.": "设置文件不是有效的 JSON。",
"The settings file holds a key this version does not know.": "设置文件包含此版本无法识别的键。",
"The settings file holds a value that is not valid.": "设置文件包含无效的值。",
"The settings file was written by a newer version of Wan Studio.": "设置文件由更新版本的 Wan Studio 写入。",
"Details: %1": "详细信息：%1",
"The system keychain did not take the key (%1).": "系统密钥环未能保存该密钥（%1）。",
"The API key is in the settings file: the system keychain did not take it (%1).":
    "API 密钥保存在设置文件中：系统密钥环未能保存它（%1）。",
# Model manager, downloads and the first-run assistant.
"Welcome to Wan Studio": "欢迎使用 Wan Studio",
"<b>Let's get a model to make videos with.</b><br>Wan Studio looked at this computer and suggests a model that fits it.":
    "<b>先准备一个用来生成视频的模型。</b><br>Wan Studio 已检查这台电脑，并推荐一个适合它的模型。",
"Checking this computer…": "正在检查这台电脑…",
"Download the recommended model": "下载推荐的模型",
"I already have the files…": "我已经有模型文件…",
"Use the built-in demo model": "使用内置演示模型",
"Not now": "以后再说",
"Folder with the Wan2.1 model files": "存放 Wan2.1 模型文件的文件夹",
"This computer: %1.": "这台电脑：%1。",
"Recommended: <b>the built-in demo model</b>.": "推荐：<b>内置演示模型</b>。",
"Recommended: <b>%1</b> (about %2), memory mode: %3.": "推荐：<b>%1</b>（约 %2），内存模式：%3。",
"Download %1 anyway": "仍然下载 %1",
"Download %1": "下载 %1",
"Models…": "模型…",
"First-run assistant…": "首次运行向导…",
"The download server \"%1\" is not usable: %2": "下载服务器“%1”不可用：%2",
"\"%1\" is not in the model catalogue.": "“%1”不在模型目录中。",
"Cannot create the folder %1 for %2. Choose another models folder.":
    "无法为 %2 创建文件夹 %1。请选择其他模型文件夹。",
"%1 was not downloaded by Wan Studio, so it is not deleted from here. Delete it in your file manager if you no longer need it.":
    "%1 不是由 Wan Studio 下载的，因此不会在这里删除。如果不再需要，请在文件管理器中删除。",
"%1 is still downloading. Cancel the download first.": "%1 仍在下载。请先取消下载。",
"Could not delete every file in %1. Check the folder's permissions.":
    "无法删除 %1 中的全部文件。请检查该文件夹的权限。",
"The download of %1 failed: the server or the network did not deliver a file.":
    "%1 下载失败：服务器或网络未能传送某个文件。",
"The download of %1 could not be written to disk.": "%1 的下载内容无法写入磁盘。",
"The download of %1 was refused: a file arrived damaged twice.":
    "%1 的下载被拒绝：某个文件两次到达时均已损坏。",
"The download of %1 could not start.": "%1 的下载无法开始。",
"The download of %1 stopped.": "%1 的下载已停止。",
"Models": "模型",
"Models folder:": "模型文件夹：",
"Change…": "更改…",
"Download from:": "下载来源：",
"Hugging Face": "Hugging Face",
"hf-mirror.com (mainland China)": "hf-mirror.com（中国大陆）",
"ModelScope (mainland China)": "魔搭 ModelScope（中国大陆）",
"Other server (URL)": "其他服务器（URL）",
"https://… or modelscope:https://…": "https://… 或 modelscope:https://…",
"Installed": "已安装",
"Model": "模型",
"Location": "位置",
"Use this model": "使用此模型",
"Delete…": "删除…",
"Available": "可下载",
"Check sizes": "查询大小",
"Download": "下载",
"Resume": "继续",
"Cancel download…": "取消下载…",
"checking…": "查询中…",
"Downloaded by Wan Studio": "由 Wan Studio 下载",
"Found in the models folder (not downloaded by Wan Studio)": "在模型文件夹中找到（不是由 Wan Studio 下载的）",
"unknown": "未知",
"%1 of %2, %3/s, %4 left": "%1 / %2，%3/秒，剩余 %4",
"File %1 of %2: %3, %4 of %5, %6 left": "文件 %1 / %2：%3，%4 / %5，剩余 %6",
"Starting…": "正在开始…",
"Paused at %1 of %2": "已暂停于 %1 / %2",
"Only models downloaded by Wan Studio can be deleted here.": "这里只能删除由 Wan Studio 下载的模型。",
"Folder for downloaded models": "存放下载模型的文件夹",
"Cancel download": "取消下载",
"Cancel the download of %1 and delete what was downloaded so far?":
    "取消 %1 的下载并删除已下载的部分？",
"Delete model": "删除模型",
"Delete %1 and every file in it? This cannot be undone.": "删除 %1 及其中的所有文件？此操作无法撤销。",
"No NVIDIA GPU was found, so start with the built-in demo model, which makes a short clip on the processor in seconds; a real Wan model would take hours per video here.":
    "未找到 NVIDIA GPU，因此建议先使用内置演示模型，它在处理器上几秒钟即可生成一段短片；真正的 Wan 模型在这里生成一个视频需要数小时。",
"No NVIDIA GPU was found: the smallest model, text to video 1.3B, is recommended, but on the processor one video takes hours.":
    "未找到 NVIDIA GPU：推荐最小的模型文生视频 1.3B，但在处理器上生成一个视频需要数小时。",
"With %1 of GPU memory only the 1.3B model can run, with each model on the GPU only for its stage and the text encoder on the processor; keep to 480P and expect it to be tight.":
    "GPU 显存为 %1 时只能运行 1.3B 模型，每个模型只在其阶段占用 GPU，文本编码器在处理器上运行；请使用 480P，显存会比较紧张。",
"The 1.3B model needs about 8 GB at 480P with each model on the GPU only for its stage and the text encoder on the processor, which fits the %1 of this GPU.":
    "在 480P 下，每个模型只在其阶段占用 GPU、文本编码器在处理器上运行时，1.3B 模型约需 8 GB，这块 GPU 的 %1 足够。",
"With %1 the 1.3B model's DiT and VAE stay on the GPU while the 11 GB text encoder runs on the processor, the fastest setup that fits.":
    "有 %1 显存时，1.3B 模型的 DiT 和 VAE 常驻 GPU，11 GB 的文本编码器在处理器上运行，这是能放下的最快配置。",
"A 4-bit GGUF of the 14B model (about 10 GB) gives 14B quality within %1 when each model is on the GPU only for its stage.":
    "14B 模型的 4 位 GGUF 版本（约 10 GB）在每个模型只在其阶段占用 GPU 时，可在 %1 显存内提供 14B 的画质。",
"The 14B model in fp8 (about 14 GB) fits the %1 of this GPU with each model on the GPU only for its stage.":
    "fp8 格式的 14B 模型（约 14 GB）在每个模型只在其阶段占用 GPU 时，可放入这块 GPU 的 %1 显存。",
"With %1 of GPU memory the official 14B model keeps every part on the GPU for the fastest runs.":
    "GPU 显存为 %1 时，官方 14B 模型的所有部分都可常驻 GPU，运行最快。",
"Only %1 is free on the drive of the models folder but the download needs about %2: free some space or choose another models folder.":
    "模型文件夹所在磁盘只剩 %1 可用空间，而下载约需 %2：请释放一些空间或选择其他模型文件夹。",
"no NVIDIA GPU": "无 NVIDIA GPU",
"%1 with %2": "%1（%2）",
"%1 with %2 (and %3 more GPUs)": "%1（%2，另有 %3 块 GPU）",
"%1; %2 of memory; %3 free for models": "%1；内存 %2；可用于模型的空间 %3",
"everything on the GPU": "全部在 GPU 上",
"text encoder on the processor": "文本编码器在处理器上",
"each model on the GPU only for its stage": "每个模型只在其阶段占用 GPU",
"offload, text encoder on the processor": "卸载，文本编码器在处理器上",
"automatic": "自动",
# Gallery (issue 17): results, settings recall, drops on the window, Duplicate with same/new seed.
'Cannot read %1: %2.': '无法读取 %1：%2。',
'%1 is not a settings file of Wan Studio (it is not a JSON object).': '%1 不是 Wan Studio 的设置文件（它不是 JSON 对象）。',
'Cannot read the picture %1: %2.': '无法读取图片 %1：%2。',
'%1 was not made by Wan Studio: it carries no generation settings. Drop a video or picture that Wan Studio made, or the settings.json from its job folder.': '%1 不是 Wan Studio 生成的：其中没有生成设置。请拖入 Wan Studio 生成的视频或图片，或其任务文件夹中的 settings.json。',
'%1 does not exist or is not a file.': '%1 不存在或不是文件。',
'%1 holds settings Wan Studio cannot read: %2': '%1 中的设置 Wan Studio 无法读取：%2',
'%1 is not a result of Wan Studio: drop an MP4 or PNG it made, or a settings.json.': '%1 不是 Wan Studio 的生成结果：请拖入它生成的 MP4 或 PNG，或 settings.json。',
'This build cannot read video metadata; drop the settings.json from the job folder of %1.': '此版本无法读取视频元数据；请拖入 %1 所在任务文件夹中的 settings.json。',
'Finished results show here.': '完成的结果会显示在这里。',
"No result's prompt contains “%1”.": '没有结果的提示词包含“%1”。',
'Select a result to see its settings.': '选择一个结果以查看其设置。',
'Delete result': '删除结果',
"Move this result's folder to the trash?\n\n%1\n\nThe video, its settings and its log go with it; the job leaves the render queue.": '将此结果的文件夹移到回收站吗？\n\n%1\n\n视频、其设置和日志会一并移走；该任务会从渲染队列中移除。',
'Moved %1 to the trash.': '已将 %1 移到回收站。',
'Gallery': '作品库',
'Search prompts': '搜索提示词',
'Load settings': '载入设置',
"Put this result's settings into the form": '把此结果的设置填入表单',
'Load settings: everything (same seed)': '载入设置：全部（相同种子）',
'Load settings: prompt only': '载入设置：仅提示词',
'Load settings: all but the seed': '载入设置：除种子外全部',
'Last frame as I2V image': '末帧作为图生视频图片',
"Use the video's last frame as the first frame of an image-to-video job": '将视频的最后一帧用作图生视频任务的首帧',
'Delete': '删除',
"Move the result's folder to the trash (asks first)": '将结果文件夹移到回收站（会先询问）',
'Your prompt: %1': '你的提示词：%1',
'%1 · %2×%3 · %4 frames': '%1 · %2×%3 · %4 帧',
'Seed %1 · %2 steps · shift %3 · guidance %4': '种子 %1 · %2 步 · 偏移 %3 · 引导 %4',
'Finished %1 in %2 s': '完成于 %1，用时 %2 秒',
'That result is no longer in the gallery.': '该结果已不在作品库中。',
'%1 is not in a job folder made by Wan Studio; it was left alone.': '%1 不在 Wan Studio 创建的任务文件夹中；未做任何改动。',
'Could not move %1 to the trash. Check that the folder is writable; on some drives there is no trash.': '无法将 %1 移到回收站。请确认该文件夹可写；某些磁盘上没有回收站。',
'That result is no longer in the render queue.': '该结果已不在渲染队列中。',
'Prompt loaded.': '已载入提示词。',
'Settings loaded; the seed stays as it was.': '已载入设置；种子保持不变。',
'Settings loaded, seed included.': '已载入设置，包括种子。',
'Settings restored from %1.': '已从 %1 恢复设置。',
'Settings restored from the metadata of %1 (prompt, seed, size, steps, shift and guidance; the model folder and input images are not stored there).': '已从 %1 的元数据恢复设置（提示词、种子、尺寸、步数、偏移和引导；模型文件夹和输入图片不保存在其中）。',
'The last frame is saved as %1. Image to video needs an image-to-video model folder (Wan2.1-I2V-14B-480P or -720P): choose one under “Model folder”, then drop the frame on the image.': '最后一帧已保存为 %1。图生视频需要图生视频模型文件夹（Wan2.1-I2V-14B-480P 或 -720P）：请在“模型文件夹”中选择，然后把该帧拖到图片上。',
'Restore settings': '恢复设置',
'Duplicate with the same seed (the same video again when nothing else changes) or with a new random seed?': '使用相同种子复制（其他不变时生成相同的视频），还是使用新的随机种子？',
'Same seed': '相同种子',
'New seed': '新种子',
'%1 GB': '%1 GB',
'Download options':
    '下载选项',
'Only for gated or private repositories':
    '仅用于需要授权或私有的仓库',
'Access token:':
    '访问令牌：',
'How many files of a model download at the same time':
    '一个模型同时下载的文件数',
'Files at once:':
    '同时下载文件数：',
' MB/s':
    ' MB/s',
'No limit':
    '不限速',
'One limit shared by all files downloading at the same time':
    '所有同时下载的文件共用这一个限速',
'Speed limit:':
    '限速：',
'Changes apply to downloads started or resumed from now on.':
    '更改对此后开始或继续的下载生效。',
'Reading…':
    '正在读取…',
'Kept in the system keychain':
    '保存在系统钥匙串中',
'No keychain: kept in the settings file':
    '没有可用的钥匙串：保存在设置文件中',
'Saving…':
    '正在保存…',
'Memory: %1 (recommended for this computer)':
    '内存模式：%1（为本机推荐）',
'models moved off the GPU between stages':
    '各阶段之间将模型移出 GPU',
'DiT streamed block by block':
    'DiT 逐块流式载入',
'every model on the GPU':
    '所有模型都在 GPU 上',
'video decoded in tiles':
    '分块解码视频',
'GPU %1: %2.':
    'GPU %1：%2。',
'About %1 GB of GPU memory, of %2 GB it may use.':
    '约占用 %1 GB 显存，可用上限 %2 GB。',
'About %1 GB of GPU memory (free memory unknown).':
    '约占用 %1 GB 显存（空闲显存未知）。',
'Processor.':
    '处理器。',
'Processor: %1.':
    '处理器：%1。',
'About %1 GB of system memory, of %2 GB free.':
    '约占用 %1 GB 系统内存，当前空闲 %2 GB。',
'About %1 GB of system memory.':
    '约占用 %1 GB 系统内存。',
'It would not fit: %1':
    '放不下：%1',
'Memory plan: %1':
    '内存计划：%1',
'Memory plan: not available (%1)':
    '内存计划：无法给出（%1）',
'All free GPU memory':
    '全部空闲显存',
'The most GPU memory a job may use, below what is free: leave room for games, a browser or a second job. The plan under the form shows what fits.':
    '一个任务最多可使用的显存（不超过空闲显存）：为游戏、浏览器或另一个任务留出空间。表单下方的计划会显示能放下什么。',
'GPU memory budget':
    '显存预算',
'This build cannot play %1.':
    '此版本无法播放 %1。',
'The %1 model was not trained at %2×%3 (it knows %4): the video may come out distorted or repeated.':
    '%1 模型没有在 %2×%3 下训练过（它熟悉 %4）：视频可能变形或出现重复。',
'The %1 model was trained on clips of up to %2 frames: at %3 the motion may loop or lose coherence. Longer videos come out better in parts.':
    '%1 模型训练时的片段最多 %2 帧：在 %3 帧时动作可能循环或失去连贯。较长的视频分段生成效果更好。',
"Add the form's job to the queue":
    '将表单中的任务加入队列',
'Export the selected or shown result':
    '导出选中或正在显示的结果',
'Paste an image as the first frame':
    '粘贴图片作为首帧',
'Show the keyboard shortcuts':
    '显示键盘快捷键',
'Pause or resume the queue':
    '暂停或继续队列',
'Move the selected job up':
    '上移选中的任务',
'Move the selected job down':
    '下移选中的任务',
'Remove the selected job':
    '移除选中的任务',
'Retry the selected failed or cancelled job':
    '重试选中的失败或已取消任务',
'Play or pause':
    '播放或暂停',
'One frame back':
    '后退一帧',
'One frame forward':
    '前进一帧',
'Loop on or off':
    '开启或关闭循环',
'Open the selected result in the player':
    '在播放器中打开选中的结果',
'Move the selected result to the trash':
    '将选中的结果移到回收站',
"Search the gallery's prompts":
    '搜索图库中的提示词',
'Player':
    '播放器',
'Anywhere':
    '任意位置',
'"%1" is not a number.':
    '“%1”不是数字。',
'Choose between %1 and %2 seeds.':
    '请选择 %1 到 %2 个种子。',
'A value is listed twice; list each value once.':
    '有数值重复列出；每个数值只列一次。',
'List two or more values for guidance, shift or steps.':
    '请为引导强度、偏移或步数列出两个或更多数值。',
'%1 combinations: a grid holds at most %2. List fewer values.':
    '共 %1 种组合：网格最多容纳 %2 种。请减少数值。',
'%1: %2':
    '%1：%2',
'random':
    '随机',
'%1 %2':
    '%1 %2',
'Could not move %1 to the trash; that job was kept.':
    '无法将 %1 移到回收站；该任务已保留。',
'Could not export %1: %2':
    '无法导出 %1：%2',
'retimed, no new frames: plays %1× as fast':
    '仅改变时间，不生成新帧：以 %1 倍速播放',
'No output folder is set: choose one in Settings.':
    '尚未设置输出文件夹：请在“设置”中选择。',
'The output folder %1 is a file, not a folder: choose another output folder in Settings.':
    '输出文件夹 %1 是一个文件而不是文件夹：请在“设置”中选择其他输出文件夹。',
'The output folder %1 cannot be created: %2 is a file. Choose another output folder in Settings.':
    '无法创建输出文件夹 %1：%2 是一个文件。请在“设置”中选择其他输出文件夹。',
'The output folder %1 is not writable: choose another output folder in Settings, or allow writing to it.':
    '输出文件夹 %1 不可写：请在“设置”中选择其他输出文件夹，或允许写入该文件夹。',
'The output folder %1 cannot be created: %2 is not writable. Choose another output folder in Settings.':
    '无法创建输出文件夹 %1：%2 不可写。请在“设置”中选择其他输出文件夹。',
'H.264 MP4':
    'H.264 MP4',
'H.265 MP4':
    'H.265 MP4',
'VP9 WebM':
    'VP9 WebM',
'WebM video (*.webm)':
    'WebM 视频 (*.webm)',
'FFV1 MKV (lossless)':
    'FFV1 MKV（无损）',
'Matroska video (*.mkv)':
    'Matroska 视频 (*.mkv)',
'GIF (256 colours)':
    'GIF（256 色）',
'GIF animation (*.gif)':
    'GIF 动画 (*.gif)',
'PNG sequence (a folder)':
    'PNG 序列（一个文件夹）',
'%1 — not in this build':
    '%1 — 此版本不支持',
'The FFmpeg this copy of Wan Studio runs with has no encoder for %1.':
    '本 Wan Studio 所用的 FFmpeg 没有 %1 编码器。',
'%1 fps (as generated)':
    '%1 fps（与生成时相同）',
'%1 fps (%2)':
    '%1 fps（%2）',
'Other rates show the same frames faster: this build makes no new frames (no frame interpolation yet).':
    '其他帧率只是更快地播放相同的帧：此版本不会生成新帧（尚无插帧）。',
'Lossless (FFV1 MKV: the frames exactly)':
    '无损（FFV1 MKV：逐帧完全一致）',
'Include the prompt, seed and settings (JSON)':
    '包含提示词、种子和设置（JSON）',
'Format:':
    '格式：',
'Frame rate:':
    '帧率：',
'Quality:':
    '质量：',
'Metadata:':
    '元数据：',
'Save to:':
    '保存到：',
'Export':
    '导出',
'Source: %1':
    '来源：%1',
'Plays everywhere. Lower CRF: better and larger.':
    '几乎所有播放器都能播放。CRF 越低，质量越好、文件越大。',
'About half the size of H.264 at the same quality; not every player has it.':
    '同等质量下约为 H.264 的一半大小；并非所有播放器都支持。',
'For the web. Lower CRF: better and larger.':
    '适用于网页。CRF 越低，质量越好、文件越大。',
'Lossless: the decoded frames exactly, for editing. Large.':
    '无损：与解码后的帧完全一致，适合剪辑。文件很大。',
'256 colours, loops; no settings stored.':
    '256 色，循环播放；不保存设置。',
'A folder of numbered PNG frames, each with the settings.':
    '一个包含编号 PNG 帧的文件夹，每帧都带有设置。',
'GIF files hold no settings.':
    'GIF 文件无法保存设置。',
'Close':
    '关闭',
'CRF %1':
    'CRF %1',
'lossless':
    '无损',
'256 colours':
    '256 色',
'Folder to put the PNG sequence in':
    '存放 PNG 序列的文件夹',
'Choose where to save the export.':
    '请选择导出的保存位置。',
'Exporting to %1…':
    '正在导出到 %1…',
'Export cancelled: nothing was written.':
    '导出已取消：没有写入任何文件。',
'Variation %1 of %2 (%3), kept':
    '变体 %1/%2（%3），已保留',
'Variation %1 of %2 (%3)':
    '变体 %1/%2（%3）',
'The seed is set to Fixed but its field is empty: enter a seed, or choose Random.':
    '种子设为“固定”但输入框为空：请输入种子，或选择“随机”。',
'Job finished':
    '任务完成',
'Job failed':
    '任务失败',
'No group of variations in the queue.':
    '队列中没有变体组。',
'Variations…':
    '变体…',
'Queue several seeds, or a grid of guidance, shift and steps, as one group and compare the results side by side':
    '将多个种子，或引导强度、偏移与步数的网格，作为一组加入队列，并排比较结果',
'Compare variations…':
    '比较变体…',
'Keyboard Shortcuts':
    '键盘快捷键',
'%n job(s) added to the render queue as one group.':
    ['已将 %n 个任务作为一组加入渲染队列。'],
'Finish editing the queued job first.':
    '请先完成对队列中任务的编辑。',
'All frames':
    '全部帧',
'Show every latent frame of the preview in a strip below':
    '在下方的条带中显示预览的每个潜空间帧',
'Which frame of the clip the preview shows':
    '预览显示片段中的哪一帧',
'Your edits to the rewrite are kept. Press Retry to rewrite the prompt in %1 instead (that replaces your edits).':
    '您对改写结果的修改已保留。按“重试”可改用%1改写提示词（这会替换您的修改）。',
'Queue: %n job(s), about %1':
    ['队列：%n 个任务，约 %1'],
"Time until every queued job is done, from the running job's progress and the stage times measured on earlier jobs":
    '根据正在运行任务的进度和以往任务测得的各阶段用时，估算全部排队任务完成所需的时间',
'Being edited':
    '正在编辑',
'Keys':
    '按键',
'Action':
    '操作',
'Missing: no longer in the queue':
    '缺失：已不在队列中',
'Missing: the result file is gone':
    '缺失：结果文件已不存在',
'%1 %2%':
    '%1 %2%',
'Kept':
    '已保留',
'Keep':
    '保留',
'Loading…':
    '正在加载…',
'No job of this group is left in the queue.':
    '队列中已没有该组的任务。',
'Keep only %1 and discard the other %n job(s) of this group? Their results go to the trash and they leave the queue.':
    ['只保留 %1，并丢弃该组的其他 %n 个任务？它们的结果会移到回收站，并离开队列。'],
'The running job is left alone; cancel it in the render queue.':
    '正在运行的任务不受影响；请在渲染队列中取消它。',
'Discard the others':
    '丢弃其他',
'Discard':
    '丢弃',
'Variations':
    '变体',
'Discard the others…':
    '丢弃其他…',
"Keep only the kept result: the group's other jobs leave the queue and their folders go to the trash (asks first)":
    '只保留已保留的结果：该组的其他任务离开队列，其文件夹移到回收站（会先询问）',
'Steps are whole numbers (got %1).':
    '步数必须是整数（收到 %1）。',
'%n job(s) queued as one group: %1':
    ['%n 个任务已作为一组加入队列：%1'],
'Seeds:':
    '种子：',
'The seed is random: each job gets its own random seed, drawn now and shown on its cell.':
    '种子为随机：每个任务现在各自抽取一个随机种子，并显示在其格子上。',
"Seeds %1, %2, … counted up from the form's seed.":
    '种子 %1、%2、…，从表单中的种子开始递增。',
'Grid (every combination, at most %1):':
    '网格（所有组合，最多 %1 个）：',
'Guidance:':
    '引导强度：',
'Shift:':
    '偏移：',
'Steps:':
    '步数：',
"values, e.g. 4; 5; 6 (empty: the form's)":
    '数值，例如 4; 5; 6（留空：使用表单中的值）',
'&View':
    '视图(&V)',
'Theme':
    '主题',
'Follow the system':
    '跟随系统',
'Light':
    '浅色',
'Dark':
    '深色',
'The chosen part of the input image does not fit in it: frame the image again.':
    '所选的输入图像区域超出了图像范围：请重新框选图像。',
'Lossless (%1 in 4:4:4: exact, large; not every player has it)':
    '无损（%1，4:4:4：逐帧精确，文件大；并非所有播放器都支持）',
'%p% (frame %v of %m)':
    '%p%（第 %v 帧，共 %m 帧）',
'Frame the image':
    '框选图像',
'Whole image':
    '整张图像',
'Use the whole image: the video takes its aspect ratio':
    '使用整张图像：视频采用它的宽高比',
'The bright box is what the video shows, in the aspect ratio of the chosen size. Drag it to move it; use the mouse wheel, a corner or the slider to make it larger or smaller.':
    '亮框是视频显示的内容，宽高比与所选尺寸一致。拖动可移动它；用鼠标滚轮、拖动角点或滑块可放大或缩小。',
'Output %1×%2 from the whole image (%3×%4)':
    '输出 %1×%2，来自整张图像（%3×%4）',
'Output %1×%2 from a crop of %3×%4 at (%5, %6)':
    '输出 %1×%2，来自位于 (%5, %6) 的 %3×%4 裁剪区域',
"Move this result's folder to the trash?\n\n%1\n\nThe video, its settings and its log go with it.":
    '将此结果的文件夹移到回收站？\n\n%1\n\n视频、它的设置和日志会一起移走。',
"Queue several seeds, or a grid of guidance, shift and steps, of this result's settings as one group":
    '以此结果的设置，将多个种子或引导系数、偏移和步数的网格作为一组加入队列',
'Refresh':
    '刷新',
'Read the output folder again for results made earlier or elsewhere':
    '重新读取输出文件夹，查找之前或在别处生成的结果',
'From the output folder, saved %1':
    '来自输出文件夹，保存于 %1',
'Frame…':
    '框选…',
'Choose the part of the image the video shows (double-click the image too)':
    '选择视频显示的图像区域（也可双击图像）',
'%1\nImage: %2×%3\nVideo: %4×%5 from a crop of %6×%7 at (%8, %9)':
    '%1\n图像：%2×%3\n视频：%4×%5，来自位于 (%8, %9) 的 %6×%7 裁剪区域',
'That job is no longer in the render queue or the gallery.':
    '该任务已不在渲染队列或图库中。',
'No variations to queue.':
    '没有可加入队列的变体。',
"Queue several seeds, or a grid of guidance, shift and steps, of this job's settings as one group":
    '以此任务的设置，将多个种子或引导系数、偏移和步数的网格作为一组加入队列',
"Automatic — the fastest for this computer":
    "自动 — 本机最快的方式",
"bf16 — as the official script on a GPU":
    "bf16 — 与官方脚本在 GPU 上相同",
"fp32 — the reference result":
    "fp32 — 参考结果",
"How the text encoder computes. Automatic: fp32 for fp32 jobs; otherwise bf16 on a GPU, and on the CPU bf16 only where the processor multiplies bf16 itself (AVX512-BF16 or AMX), since elsewhere fp32 is faster.":
    "文本编码器的计算精度。自动：fp32 任务用 fp32；其他任务在 GPU 上用 bf16，在 CPU 上仅当处理器原生支持 bf16 乘法（AVX512-BF16 或 AMX）时才用 bf16，因为在其他处理器上 fp32 更快。",
"Text encoder math":
    "文本编码器精度",
"Automatic — half precision on a GPU":
    "自动 — 在 GPU 上用半精度",
"bf16 — GPUs from compute capability 8.0":
    "bf16 — 计算能力 8.0 及以上的 GPU",
"fp16 — older GPUs":
    "fp16 — 较旧的 GPU",
"How the VAE, which turns latents into video and images into latents, computes on a GPU. Automatic: fp32 for fp32 jobs; otherwise bf16, or fp16 on GPUs before compute capability 8.0, which halves its memory. A half-precision run that overflows is redone in fp32. The processor always uses fp32.":
    "VAE（将潜变量解码为视频、将图像编码为潜变量）在 GPU 上的计算精度。自动：fp32 任务用 fp32；其他任务用 bf16，计算能力低于 8.0 的 GPU 用 fp16，可将其显存占用减半。半精度运算溢出时会以 fp32 重新计算。处理器上始终使用 fp32。",
"VAE math":
    "VAE 精度",
"video decoded in tiles of %1 pixels":
    "视频以 %1 像素的分块解码",
}
