# One bpviz server: docker build -t bpviz . && docker run -p 8501:8501 bpviz
# Streamlit keeps every session's state in this process, so run several of these behind a proxy with sticky
# sessions to serve more people (README, "Several replicas").
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py ./
COPY bpviz ./bpviz
COPY webui ./webui
COPY pages ./pages
COPY .streamlit ./.streamlit
RUN useradd --create-home bpviz
USER bpviz
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
