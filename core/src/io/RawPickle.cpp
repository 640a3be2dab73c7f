#include "io/RawIo.h"

#include "wan/Error.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <unordered_set>

namespace wan::io {

namespace {

[[noreturn]] void corrupt(const std::string& fileName, const std::string& what)
{
    throw Error(ErrorKind::CorruptFile, "cannot read .pth file " + fileName + ": " + what);
}

enum class Kind
{
    None = 1,
    Bool,
    Int,
    Float,
    String,
    Bytes,
    List,
    Tuple,
    Dict,
    Global,
    Storage,
    Tensor
};

const char* kindName(Kind k)
{
    switch (k) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "str";
    case Kind::Bytes:
        return "bytes";
    case Kind::List:
        return "list";
    case Kind::Tuple:
        return "tuple";
    case Kind::Dict:
        return "dict";
    case Kind::Global:
        return "global";
    case Kind::Storage:
        return "storage";
    case Kind::Tensor:
        return "tensor";
    }
    return "?";
}

// The callables a state dict may reference. Anything else is refused before it could be called.
enum class Callable
{
    None = 0,
    OrderedDict,
    RebuildTensorV2,
    RebuildTensor,
    RebuildParameter,
    Storage
};

struct Value
{
    Kind kind = Kind::None;
    std::int64_t i = 0; // Int, Bool; Storage: numel
    double f = 0.0;
    std::string s;                                  // String, Bytes, Global "module.name"; Storage: key
    std::vector<Value*> items;                      // List, Tuple
    std::vector<std::pair<Value*, Value*>> entries; // Dict (insertion order)
    Callable callable = Callable::None;             // Global
    DType dtype = DType::F32;                       // Global (storage type), Storage, Tensor
    // Tensor
    Value* storage = nullptr;
    std::int64_t storageOffset = 0;
    std::vector<std::int64_t> shape, strides;
};

bool storageTypeDType(const std::string& name, DType& out)
{
    static const std::pair<const char*, DType> kTypes[] = {
        {"FloatStorage", DType::F32},     {"DoubleStorage", DType::F64}, {"HalfStorage", DType::F16},
        {"BFloat16Storage", DType::BF16}, {"LongStorage", DType::I64},   {"IntStorage", DType::I32},
        {"ShortStorage", DType::I16},     {"CharStorage", DType::I8},    {"ByteStorage", DType::U8},
        {"BoolStorage", DType::Bool},
    };
    for (const auto& [n, d] : kTypes) {
        if (name == n) {
            out = d;
            return true;
        }
    }
    return false;
}

// Bytes the parse may still produce beyond the values themselves: names joined from memoised strings,
// storage keys, the tensor list. Proportional to the pickle's size (kPickleBudgetPerByte).
class Budget
{
public:
    Budget(std::size_t pickleBytes, const std::string& fileName)
        : m_total(kPickleBudgetPerByte * pickleBytes + kPickleBudgetBaseBytes), m_left(m_total),
          m_pickleBytes(pickleBytes), m_fileName(fileName)
    {
    }

    void charge(std::size_t bytes)
    {
        if (bytes > m_left)
            corrupt(m_fileName, "data.pkl: more than " + std::to_string(m_total) +
                                    " bytes of tensor names and shapes from a pickle of " +
                                    std::to_string(m_pickleBytes) + " bytes");
        m_left -= bytes;
    }

private:
    std::size_t m_total, m_left, m_pickleBytes;
    const std::string& m_fileName;
};

class Unpickler
{
public:
    Unpickler(const std::uint8_t* data, std::size_t size, const std::string& fileName, Budget& budget)
        : m_p(data), m_end(data + size), m_fileName(fileName), m_budget(budget)
    {
    }

    Value* run();

private:
    [[noreturn]] void fail(const std::string& what) const { corrupt(m_fileName, "data.pkl: " + what); }

    const std::uint8_t* take(std::size_t n)
    {
        if (static_cast<std::size_t>(m_end - m_p) < n)
            fail("pickle ends in the middle of an instruction");
        const auto* p = m_p;
        m_p += n;
        return p;
    }
    std::uint64_t le(int n)
    {
        const auto* p = take(n);
        std::uint64_t v = 0;
        for (int k = n - 1; k >= 0; --k)
            v = (v << 8) | p[k];
        return v;
    }
    std::string line()
    {
        const auto* nl = static_cast<const std::uint8_t*>(std::memchr(m_p, '\n', m_end - m_p));
        if (!nl)
            fail("unterminated GLOBAL name");
        std::string s(reinterpret_cast<const char*>(m_p), nl - m_p);
        m_p = nl + 1;
        return s;
    }

    Value* make(Kind kind)
    {
        if (m_arena.size() >= kMaxPickleValues)
            fail("more than " + std::to_string(kMaxPickleValues) + " values");
        m_arena.emplace_back();
        m_arena.back().kind = kind;
        return &m_arena.back();
    }
    void push(Value* v)
    {
        if (m_stack.size() >= kMaxPickleStack)
            fail("stack grows beyond " + std::to_string(kMaxPickleStack) + " items");
        m_stack.push_back(v);
    }
    Value* pop()
    {
        if (m_stack.size() <= floor())
            fail("stack underflow");
        auto* v = m_stack.back();
        m_stack.pop_back();
        return v;
    }
    Value* top()
    {
        if (m_stack.size() <= floor())
            fail("stack underflow");
        return m_stack.back();
    }
    std::size_t floor() const { return m_marks.empty() ? 0 : m_marks.back(); }
    // Items above the last MARK, which is removed.
    std::vector<Value*> popMark()
    {
        if (m_marks.empty())
            fail("MARK expected");
        const std::size_t m = m_marks.back();
        m_marks.pop_back();
        std::vector<Value*> items(m_stack.begin() + static_cast<std::ptrdiff_t>(m), m_stack.end());
        m_stack.resize(m);
        return items;
    }
    void memoPut(std::uint64_t index, Value* v)
    {
        if (m_memo.size() >= kMaxPickleMemo && !m_memo.count(index))
            fail("memo grows beyond " + std::to_string(kMaxPickleMemo) + " entries");
        m_memo[index] = v;
    }
    Value* memoGet(std::uint64_t index)
    {
        const auto it = m_memo.find(index);
        if (it == m_memo.end())
            fail("memo key " + std::to_string(index) + " is not defined");
        return it->second;
    }

    Value* global(const std::string& module, const std::string& name);
    Value* reduce(Value* callable, Value* args);
    Value* persistentLoad(Value* pid);
    void setItem(Value* dict, Value* key, Value* value);
    std::int64_t intArg(Value* v, const char* what);
    std::vector<std::int64_t> intTuple(Value* v, const char* what);

    const std::uint8_t* m_p;
    const std::uint8_t* m_end;
    const std::string& m_fileName;
    Budget& m_budget;
    std::deque<Value> m_arena; // owns every value: cycles made by a hostile pickle cannot leak
    std::vector<Value*> m_stack;
    std::vector<std::size_t> m_marks;
    std::unordered_map<std::uint64_t, Value*> m_memo;
};

Value* Unpickler::global(const std::string& module, const std::string& name)
{
    auto* g = make(Kind::Global);
    g->s = module + "." + name;
    if (module == "collections" && name == "OrderedDict")
        g->callable = Callable::OrderedDict;
    else if (module == "torch._utils" && name == "_rebuild_tensor_v2")
        g->callable = Callable::RebuildTensorV2;
    else if (module == "torch._utils" && name == "_rebuild_tensor")
        g->callable = Callable::RebuildTensor;
    else if (module == "torch._utils" && name == "_rebuild_parameter")
        g->callable = Callable::RebuildParameter;
    else if (module == "torch" && storageTypeDType(name, g->dtype))
        g->callable = Callable::Storage;
    else
        corrupt(m_fileName,
                "refuses global '" + g->s +
                    "': only state-dict tensors (OrderedDict, _rebuild_tensor_v2, torch storages) are "
                    "allowed in a checkpoint; the file may be malicious or not a state dict");
    return g;
}

std::int64_t Unpickler::intArg(Value* v, const char* what)
{
    if (v->kind != Kind::Int && v->kind != Kind::Bool)
        fail(std::string(what) + " is a " + kindName(v->kind) + ", expected an int");
    return v->i;
}

std::vector<std::int64_t> Unpickler::intTuple(Value* v, const char* what)
{
    if (v->kind != Kind::Tuple && v->kind != Kind::List)
        fail(std::string(what) + " is a " + kindName(v->kind) + ", expected a tuple of ints");
    if (v->items.size() > 16)
        fail(std::string(what) + " has more than 16 dimensions");
    std::vector<std::int64_t> out;
    for (auto* item : v->items) {
        const auto x = intArg(item, what);
        if (x < 0)
            fail(std::string(what) + " has a negative entry");
        out.push_back(x);
    }
    return out;
}

Value* Unpickler::persistentLoad(Value* pid)
{
    // ('storage', torch.XStorage, key, location, numel)
    if (pid->kind != Kind::Tuple || pid->items.size() < 5 || pid->items[0]->kind != Kind::String ||
        pid->items[0]->s != "storage")
        fail("persistent id is not a ('storage', type, key, location, numel) tuple");
    auto* type = pid->items[1];
    if (type->kind != Kind::Global || type->callable != Callable::Storage)
        fail("persistent id does not name a torch storage type");
    if (pid->items[2]->kind != Kind::String)
        fail("storage key is not a string");
    const std::string& key = pid->items[2]->s;
    if (key.size() > kMaxStorageKeyBytes)
        fail("storage key longer than " + std::to_string(kMaxStorageKeyBytes) + " bytes");
    m_budget.charge(key.size());
    auto* s = make(Kind::Storage);
    s->dtype = type->dtype;
    s->s = key;
    s->i = intArg(pid->items[4], "storage size");
    if (s->i < 0)
        fail("storage '" + s->s + "' has a negative size");
    return s;
}

Value* Unpickler::reduce(Value* callable, Value* args)
{
    if (callable->kind != Kind::Global)
        fail("REDUCE of a " + std::string(kindName(callable->kind)) +
             " (only allowed globals may be called)");
    if (args->kind != Kind::Tuple)
        fail("REDUCE arguments are not a tuple");
    const auto& a = args->items;
    switch (callable->callable) {
    case Callable::OrderedDict:
        if (!a.empty())
            fail("OrderedDict called with arguments");
        return make(Kind::Dict);
    case Callable::RebuildTensorV2:
    case Callable::RebuildTensor: {
        if (a.size() < 4)
            fail(callable->s + " called with " + std::to_string(a.size()) + " arguments");
        if (a[0]->kind != Kind::Storage)
            fail(callable->s + " called without a storage");
        auto* t = make(Kind::Tensor);
        t->storage = a[0];
        t->dtype = a[0]->dtype;
        t->storageOffset = intArg(a[1], "storage offset");
        if (t->storageOffset < 0)
            fail("negative storage offset");
        t->shape = intTuple(a[2], "tensor size");
        t->strides = intTuple(a[3], "tensor stride");
        if (t->shape.size() != t->strides.size())
            fail("tensor size and stride have different lengths");
        return t;
    }
    case Callable::RebuildParameter:
        if (a.empty() || a[0]->kind != Kind::Tensor)
            fail("_rebuild_parameter called without a tensor");
        return a[0];
    case Callable::Storage:
    case Callable::None:
        break;
    }
    fail("global '" + callable->s + "' cannot be called");
}

void Unpickler::setItem(Value* dict, Value* key, Value* value)
{
    if (dict->kind != Kind::Dict)
        fail("SETITEM on a " + std::string(kindName(dict->kind)));
    dict->entries.emplace_back(key, value);
}

Value* Unpickler::run()
{
    while (true) {
        const std::uint8_t op = *take(1);
        switch (op) {
        case 0x80: { // PROTO
            const auto proto = *take(1);
            if (proto < 2 || proto > 5)
                fail("unsupported pickle protocol " + std::to_string(proto));
            break;
        }
        case 0x95: // FRAME: a length hint only
            take(8);
            break;
        case '.': { // STOP
            auto* result = pop();
            return result;
        }
        case '}':
            push(make(Kind::Dict));
            break;
        case ']':
            push(make(Kind::List));
            break;
        case ')':
            push(make(Kind::Tuple));
            break;
        case '(':
            if (m_marks.size() >= kMaxPickleStack)
                fail("too many MARKs");
            m_marks.push_back(m_stack.size());
            break;
        case '0':
            pop();
            break; // POP
        case '1':
            popMark();
            break; // POP_MARK
        case '2':
            push(top());
            break;   // DUP
        case 'X':    // BINUNICODE
        case 0x8c:   // SHORT_BINUNICODE
        case 0x8d:   // BINUNICODE8
        case 'T':    // BINSTRING
        case 'U':    // SHORT_BINSTRING
        case 'B':    // BINBYTES
        case 'C':    // SHORT_BINBYTES
        case 0x8e: { // BINBYTES8
            const int lenBytes = (op == 0x8c || op == 'U' || op == 'C') ? 1
                                 : (op == 0x8d || op == 0x8e)           ? 8
                                                                        : 4;
            const std::uint64_t n = le(lenBytes);
            if (n > static_cast<std::uint64_t>(m_end - m_p))
                fail("string length " + std::to_string(n) + " runs past the end of the pickle");
            auto* v = make((op == 'B' || op == 'C' || op == 0x8e) ? Kind::Bytes : Kind::String);
            v->s.assign(reinterpret_cast<const char*>(take(n)), n);
            push(v);
            break;
        }
        case 'J': { // BININT
            auto* v = make(Kind::Int);
            v->i = static_cast<std::int32_t>(le(4));
            push(v);
            break;
        }
        case 'K': { // BININT1
            auto* v = make(Kind::Int);
            v->i = le(1);
            push(v);
            break;
        }
        case 'M': { // BININT2
            auto* v = make(Kind::Int);
            v->i = le(2);
            push(v);
            break;
        }
        case 0x8a:   // LONG1
        case 0x8b: { // LONG4
            const std::uint64_t n = le(op == 0x8a ? 1 : 4);
            if (n > 8)
                fail("integer of " + std::to_string(n) + " bytes is too large");
            const auto* p = take(n);
            std::uint64_t u = 0;
            for (int k = static_cast<int>(n) - 1; k >= 0; --k)
                u = (u << 8) | p[k];
            if (n > 0 && n < 8 && (p[n - 1] & 0x80)) // sign-extend two's complement
                u |= ~std::uint64_t(0) << (8 * n);
            auto* v = make(Kind::Int);
            v->i = static_cast<std::int64_t>(u);
            push(v);
            break;
        }
        case 'G': { // BINFLOAT, big-endian
            const auto* p = take(8);
            std::uint64_t u = 0;
            for (int k = 0; k < 8; ++k)
                u = (u << 8) | p[k];
            auto* v = make(Kind::Float);
            std::memcpy(&v->f, &u, 8);
            push(v);
            break;
        }
        case 0x88:
        case 0x89: { // NEWTRUE, NEWFALSE
            auto* v = make(Kind::Bool);
            v->i = op == 0x88;
            push(v);
            break;
        }
        case 'N':
            push(make(Kind::None));
            break;
        case 't': { // TUPLE
            auto* v = make(Kind::Tuple);
            v->items = popMark();
            push(v);
            break;
        }
        case 0x85:
        case 0x86:
        case 0x87: { // TUPLE1..3
            const int n = op - 0x84;
            auto* v = make(Kind::Tuple);
            v->items.resize(n);
            for (int k = n - 1; k >= 0; --k)
                v->items[k] = pop();
            push(v);
            break;
        }
        case 's': { // SETITEM
            auto* value = pop();
            auto* key = pop();
            setItem(top(), key, value);
            break;
        }
        case 'u': { // SETITEMS
            auto items = popMark();
            if (items.size() % 2)
                fail("SETITEMS with an odd number of items");
            auto* dict = top();
            for (std::size_t k = 0; k < items.size(); k += 2)
                setItem(dict, items[k], items[k + 1]);
            break;
        }
        case 'a': { // APPEND
            auto* value = pop();
            auto* list = top();
            if (list->kind != Kind::List)
                fail("APPEND to a " + std::string(kindName(list->kind)));
            list->items.push_back(value);
            break;
        }
        case 'e': { // APPENDS
            auto items = popMark();
            auto* list = top();
            if (list->kind != Kind::List)
                fail("APPENDS to a " + std::string(kindName(list->kind)));
            list->items.insert(list->items.end(), items.begin(), items.end());
            break;
        }
        case 'q':
            memoPut(le(1), top());
            break; // BINPUT
        case 'r':
            memoPut(le(4), top());
            break; // LONG_BINPUT
        case 0x94:
            memoPut(m_memo.size(), top());
            break; // MEMOIZE
        case 'h':
            push(memoGet(le(1)));
            break; // BINGET
        case 'j':
            push(memoGet(le(4)));
            break;  // LONG_BINGET
        case 'c': { // GLOBAL
            const auto module = line();
            const auto name = line();
            push(global(module, name));
            break;
        }
        case 0x93: { // STACK_GLOBAL
            auto* name = pop();
            auto* module = pop();
            if (module->kind != Kind::String || name->kind != Kind::String)
                fail("STACK_GLOBAL with non-string names");
            push(global(module->s, name->s));
            break;
        }
        case 'R': { // REDUCE
            auto* args = pop();
            auto* callable = pop();
            push(reduce(callable, args));
            break;
        }
        case 'b': { // BUILD
            auto* state = pop();
            auto* object = top();
            // OrderedDict state (the state dict's `_metadata` attribute) carries nothing we need.
            if (object->kind != Kind::Dict && object->kind != Kind::Tensor)
                fail("BUILD on a " + std::string(kindName(object->kind)));
            (void)state;
            break;
        }
        case 'Q': // BINPERSID
            push(persistentLoad(pop()));
            break;
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            fail(std::string("unsupported pickle opcode ") + hex + " (not a plain state dict)");
        }
        }
    }
}

// The tensors of a state dict, names joined with '.'. Checked while walking, before anything is copied:
// name length, tensor count, duplicate names and the byte budget.
class Flattener
{
public:
    Flattener(const std::string& fileName, Budget& budget, std::vector<RawTensor>& out)
        : m_fileName(fileName), m_budget(budget), m_out(out)
    {
    }

    void run(Value* dict, const std::string& prefix, int depth)
    {
        if (depth > kMaxStateDictDepth)
            fail("state dict nested deeper than " + std::to_string(kMaxStateDictDepth));
        if (!m_seenDicts.insert(dict).second)
            fail("the same dict appears twice in the state dict");
        for (const auto& [key, value] : dict->entries) {
            if (key->kind != Kind::String)
                fail("state dict key is a " + std::string(kindName(key->kind)) + ", not a str");
            // Other entries (epoch counters, config strings) are not weights.
            if (value->kind != Kind::Dict && value->kind != Kind::Tensor)
                continue;
            if (prefix.size() + key->s.size() > kMaxTensorNameBytes)
                fail("a tensor name longer than " + std::to_string(kMaxTensorNameBytes) + " bytes ('" +
                     (prefix + key->s.substr(0, 32)).substr(0, 64) + "...')");
            const std::string name = prefix + key->s;
            m_budget.charge(name.size() + 1);
            if (value->kind == Kind::Dict) {
                run(value, name + ".", depth + 1);
                continue;
            }
            if (m_out.size() >= kMaxPthTensors)
                fail("more than " + std::to_string(kMaxPthTensors) + " tensors");
            m_budget.charge(sizeof(RawTensor) + 2 * name.size() + value->storage->s.size() +
                            2 * sizeof(std::int64_t) * value->shape.size());
            if (!m_names.insert(name).second)
                fail("tensor '" + name + "' appears twice");
            RawTensor t;
            t.name = name;
            t.dtype = value->dtype;
            t.shape = value->shape;
            t.strides = value->strides;
            t.storageOffset = value->storageOffset;
            t.storageKey = value->storage->s;
            // Storage size in elements until the archive layer replaces it with the record's bytes.
            t.dataBytes = static_cast<std::uint64_t>(value->storage->i);
            m_out.push_back(std::move(t));
        }
    }

private:
    [[noreturn]] void fail(const std::string& what) const { corrupt(m_fileName, "data.pkl: " + what); }

    const std::string& m_fileName;
    Budget& m_budget;
    std::vector<RawTensor>& m_out;
    std::unordered_set<const Value*> m_seenDicts;
    std::unordered_set<std::string> m_names;
};

} // namespace

PthArchive unpickleStateDict(const std::uint8_t* data, std::size_t size, const std::string& fileName)
{
    if (size > kMaxPickleBytes)
        corrupt(fileName, "data.pkl is larger than " + std::to_string(kMaxPickleBytes) + " bytes");
    Budget budget(size, fileName);
    Unpickler unpickler(data, size, fileName, budget);
    Value* root = unpickler.run();
    if (root->kind != Kind::Dict)
        corrupt(fileName, std::string("data.pkl holds a ") + kindName(root->kind) +
                              ", not a state dict (save model.state_dict())");
    PthArchive archive;
    Flattener(fileName, budget, archive.tensors).run(root, "", 0);
    return archive;
}

PthArchive parsePthArchive(const std::uint8_t* data, std::size_t size, const std::string& fileName)
{
    if (size >= 2 && data[0] == 0x80 && data[1] <= 5)
        corrupt(fileName, "this is the legacy (pre-zip) torch.save format; re-save it with a PyTorch >= 1.6");
    const auto entries = readZipDirectory(data, size, fileName);
    std::unordered_map<std::string, const ZipEntry*> byName;
    const ZipEntry* pickle = nullptr;
    std::string prefix;
    for (const auto& e : entries) {
        byName.emplace(e.name, &e);
        const auto slash = e.name.find('/');
        if (!pickle && slash != std::string::npos &&
            e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
            pickle = &e;
            prefix = e.name.substr(0, slash);
        }
    }
    if (!pickle)
        corrupt(fileName, "no <name>/data.pkl record: not a torch.save archive");
    if (pickle->method != 0)
        corrupt(fileName, "data.pkl is compressed; torch.save stores it uncompressed");

    PthArchive archive = unpickleStateDict(data + pickle->dataOffset, pickle->size, fileName);
    archive.prefix = prefix;
    // Storage key -> (dtype, element count) as the first tensor using it declared them.
    std::unordered_map<std::string, std::pair<DType, std::uint64_t>> storages;
    for (auto& t : archive.tensors) {
        const std::string recordName = prefix + "/data/" + t.storageKey;
        const auto it = byName.find(recordName);
        if (it == byName.end())
            corrupt(fileName, "record '" + recordName + "' of tensor '" + t.name + "' is missing");
        const ZipEntry& rec = *it->second;
        if (rec.method != 0)
            corrupt(fileName,
                    "record '" + recordName + "' is compressed; torch.save stores records uncompressed");
        const std::uint64_t item = dtypeSize(t.dtype);
        const auto storageNumel = t.dataBytes;
        const auto [declared, first] = storages.try_emplace(t.storageKey, t.dtype, storageNumel);
        if (!first && declared->second.first != t.dtype)
            corrupt(fileName, "storage '" + t.storageKey + "' is declared as " +
                                  std::string(dtypeName(declared->second.first)) + " and " +
                                  std::string(dtypeName(t.dtype)) + " (tensor '" + t.name + "')");
        if (!first && declared->second.second != storageNumel)
            corrupt(fileName, "storage '" + t.storageKey + "' is declared with " +
                                  std::to_string(declared->second.second) + " and " +
                                  std::to_string(storageNumel) + " elements (tensor '" + t.name + "')");
        if (storageNumel > rec.size / item)
            corrupt(fileName, "record '" + recordName + "' has " + std::to_string(rec.size) +
                                  " bytes, fewer than its " + std::to_string(storageNumel) + " " +
                                  std::string(dtypeName(t.dtype)) + " elements");
        const std::string what = "tensor '" + t.name + "'";
        std::uint64_t numel = 0;
        try {
            numel = checkedNumel(t.shape, what);
        } catch (const Error& err) {
            corrupt(fileName, err.what());
        }
        if (numel > 0) {
            // Highest element reached, computed wide so that no stride can overflow.
            unsigned __int128 last = static_cast<std::uint64_t>(t.storageOffset);
            for (std::size_t d = 0; d < t.shape.size(); ++d)
                last +=
                    static_cast<unsigned __int128>(t.shape[d] - 1) * static_cast<std::uint64_t>(t.strides[d]);
            if (last >= storageNumel)
                corrupt(fileName, what + " reaches past the end of its storage '" + t.storageKey + "'");
        }
        t.dataOffset = rec.dataOffset;
        t.dataBytes = storageNumel * item;
    }
    return archive;
}

} // namespace wan::io
